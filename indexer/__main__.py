from indexer.main import cli

cli()
