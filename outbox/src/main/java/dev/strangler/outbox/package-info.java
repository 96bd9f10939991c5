/** The transactional outbox for new services (issue 4). */
package dev.strangler.outbox;
