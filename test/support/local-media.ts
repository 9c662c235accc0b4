import { loadConfig } from '../../src/config.js';

/**
 * The local fakes serve images over http from 127.0.0.1, which Greenlight refuses by default;
 * tests opt in with the variables that exist for them, as a deployment never should.
 */
export const LOCAL_FAKE_MEDIA_ENV = { ALLOW_HTTP_MEDIA: 'true', ALLOW_PRIVATE_MEDIA_HOSTS: 'true' } as const;
export const LOCAL_FAKE_MEDIA = loadConfig(LOCAL_FAKE_MEDIA_ENV).media;
