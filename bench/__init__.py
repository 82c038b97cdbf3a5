"""Benchmarks, one script per measured goal; each prints one JSON object as its last line."""
