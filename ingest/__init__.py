"""Taking in the articles people have: saved pages, raw text copies, links and feeds.

Fetching and extraction need the network and third-party parsers, so they live
here rather than in `retrieval/`, which stays pure. Everything ends as a
`retrieval.records.Article` appended to a JSONL corpus.
"""
