"""The Model Context Protocol server: campaign facts as typed tools, manifests as resources."""
