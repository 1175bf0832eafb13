"""Small controls shared by screens: bound forms, the sync badge, the signature pad, deadline badges."""
