"""Notice intake keeps no tables of its own: a parsed notice becomes an Event."""
