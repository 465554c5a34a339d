"""Renderers: turn findings and report rows into text; they never compute."""
