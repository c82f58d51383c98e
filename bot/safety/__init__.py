"""Safety checks that run before ordinary matching: danger signals, redaction."""
