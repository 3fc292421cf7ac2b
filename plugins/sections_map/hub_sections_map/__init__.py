"""The sections map plugin: where the organisation's sections are, on a map partners can embed."""
