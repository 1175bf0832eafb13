"""The numbers behind the manager's dashboard, one module per report, free of HTML."""
