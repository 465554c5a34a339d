"""The formats of qaplan's files: one module per kind, each with its typed value and builder."""
