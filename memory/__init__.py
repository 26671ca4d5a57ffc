"""Long-term memory: what each character remembers about each reader, and canon passages.

``memory.factory.open_memory`` builds the production ``LongTermMemory``
(``memory.service``); ``docs/memory.md`` describes the design and the benchmarks.
Modules: ``base`` (the interface the engine calls), ``store``/``chroma`` (vector
store, fake and chromadb), ``scopes`` (isolation: the only code that builds
filters), ``items``, ``mirror``/``bank`` (per-reader state), ``lexical``,
``retrieval``, ``extract``, ``writer``, ``summary``, ``queue``, ``canon``,
``control`` (reader control), ``embeddings``, ``simple`` (null and toy memories).
"""
