"""The whole-page cache for anonymous visitors, keyed by audience (docs/performance.md, issue 13)."""
