"""Model definitions: one readable file per model (``gpt``, ``char_lstm``, ...)."""
