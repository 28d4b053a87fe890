"""The test suite; its folders mirror the package's (tests/read/ tests verify/read/, ...)."""
