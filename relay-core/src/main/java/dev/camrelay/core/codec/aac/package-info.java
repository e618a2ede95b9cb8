/** MPEG-4 audio configuration (ISO/IEC 14496-3): the AudioSpecificConfig of AAC tracks. */
package dev.camrelay.core.codec.aac;
