#!/usr/bin/env node
import { run } from '../dist/provider/cli/main.js';

await run();
