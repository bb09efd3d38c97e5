"""Markdown with YAML front matter (placeholder until the reader lands in this branch)."""
