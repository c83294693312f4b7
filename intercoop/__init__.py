"""Intercoop: the software of the sixth co-operative principle."""
