"""The member portal: members and applicants sign in with a one-time link and act on their
own file (apply, subscribe, declare a job, apply for a grant, read and change their file).
Server-rendered pages on the same use cases and deployments as staff use."""
