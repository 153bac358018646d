"""Property tests (hypothesis) over every edge that parses untrusted input."""
