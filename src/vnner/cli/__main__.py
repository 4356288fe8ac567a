import sys

from vnner.cli import main

sys.exit(main())
