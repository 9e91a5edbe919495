"""Register: queries: read models for views; they never write."""
