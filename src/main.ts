// Placeholder until the command-line entry point lands.
console.log('skald');
