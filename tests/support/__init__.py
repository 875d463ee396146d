"""Plain helpers the tests share (fixtures stay in tests/conftest.py): documents.py makes and
posts documents, stock.py reads balances, users.py makes users and API clients, database.py
says which database the suite runs on."""
