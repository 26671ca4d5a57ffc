"""Long-term memory: what each character remembers about each reader, and canon passages."""
