"""Language-model backends behind one async streaming interface (stage 4 of a turn)."""

from roleplay.llm.base import CanonLine, CharacterRef, LLMBackend, LLMChunk, LLMRequest, Usage

__all__ = ["CanonLine", "CharacterRef", "LLMBackend", "LLMChunk", "LLMRequest", "Usage"]
