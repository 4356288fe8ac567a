"""Training, data and benchmark scripts for vnner (run from a checkout of the repository)."""
