"""The numbers behind the manager's reports (dashboard sections and JSON/CSV routes), one module per report, free of HTML."""
