/** The parity checker: event stream against table state at one consistent cut (issue 3). */
package dev.strangler.parity;
