"""The general assembly: creation, convening, ballots, votes, closing, results."""
