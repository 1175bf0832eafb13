"""The server's web pages for managers and administrators: sign-in, the dashboard and its exports."""
