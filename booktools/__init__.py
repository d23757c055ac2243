"""Build tooling for the nnlit book (not part of the nnlit package readers install)."""
