"""Persistence in Redis: readers and keys, chats and messages, rate limits (stage 7)."""
