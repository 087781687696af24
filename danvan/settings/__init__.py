"""Settings modules: base (embedded defaults, everything from the environment), test, production."""
