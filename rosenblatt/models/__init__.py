"""Model definitions: one readable file per model (``gpt``: nanoGPT-style GPT)."""
