// Replaced by the generated codec.
