"""Small shared helpers (input cleaning, file handling)."""

__all__: list[str] = []
