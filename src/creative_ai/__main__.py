from creative_ai.cli import main

main()
