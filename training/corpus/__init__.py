"""Corpus tools: selecting articles, marked-up annotation, validation, silver labels, training splits."""
