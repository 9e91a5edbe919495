"""Sample data for the demo, the benchmarks and the tests: never imported by production code.

`python -m seeding.demo` (`make demo`) builds a fresh demo cooperative. The sample builders
(`members`, `register`, `transition`, `camt`, `assembly`, `voting`) write through the use cases of
the business areas (`governance/<area>/use_cases`); what no use case can create (history already in the past, a convened
assembly without its convening) stays here and says so in its module docstring. An
import-linter contract keeps governance, documents, tasks, flows and coopflow_cli from importing
this package.
"""
