from companion.launch import entry

entry()
