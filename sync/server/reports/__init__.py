"""Reports the server computes for managers and administrators, one module per report."""
