"""Reports: pure functions of (plans, as_of, options) that return data for the renderers."""
