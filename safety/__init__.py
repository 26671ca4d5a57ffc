"""Moderation: screens every turn, the reader's input and the character's streamed output."""
