"""Assembly: queries: read models for views; they never write."""
