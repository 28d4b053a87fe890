"""The verdict cache and the wire format results travel in."""
