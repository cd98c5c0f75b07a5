// Every stage library compiles this one empty unit, so a stage may exist before its first source.
