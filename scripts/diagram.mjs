// Writes the gateway machine's Mermaid state diagram into README.md (run: npm run diagram).
import { readFileSync, writeFileSync } from 'node:fs';
import { gatewayMachine, toMermaid, withDiagram } from '../dist/index.js';

const readme = readFileSync('README.md', 'utf8');
writeFileSync('README.md', withDiagram(readme, toMermaid(gatewayMachine)));
console.log('README.md: state diagram updated');
