/** The Teams activities tests send: the playground emulator's builders (one copy). */
export * from '../../src/playground/teams-emulator/activities.js';
