"""One turn of a chat, stage by stage (see GUIDE §2 "One turn").

1 screen input           safety.base.Moderator        (service.py)
2 gather context         context.py: card snapshot, lorebook, memory, recent turns
3 render prompt          prompt.py + templates/ (jinja2 sandbox, tiktoken budget)
4 stream from the LLM    roleplay.llm backends
5 screen output          safety.stream.StreamGate (hold back a window)
6 persona consistency    consistency.py
7 persist and publish    roleplay.store.chats (Redis)
8 remember               memory.base.Memory, in the background
"""
