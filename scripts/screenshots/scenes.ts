// Pictures for the dashboard's screenshots: small landscapes drawn as SVG and
// turned into JPEGs by sharp, each with its own colours, so the library looks
// like a library and not like test noise.

import sharp from 'sharp';

export interface Scene {
  name: string;
  title: string;
  tags: string[];
  sky: [string, string];
  hills: [string, string];
  sun: string;
}

export const SCENES: Scene[] = [
  {
    name: 'alpine-lake.jpg',
    title: 'Alpine lake',
    tags: ['lake', 'mountains'],
    sky: ['#7fb8f0', '#e3f1ff'],
    hills: ['#2f6b4f', '#1d4433'],
    sun: '#fff6c9',
  },
  {
    name: 'desert-dunes.jpg',
    title: 'Desert dunes',
    tags: ['desert'],
    sky: ['#f7b267', '#fde4c3'],
    hills: ['#d98c4a', '#a85d2a'],
    sun: '#fff1d6',
  },
  {
    name: 'night-harbour.jpg',
    title: 'Night harbour',
    tags: ['city', 'night'],
    sky: ['#0b1b3a', '#31466e'],
    hills: ['#10203a', '#060d1c'],
    sun: '#f4f1de',
  },
  {
    name: 'spring-meadow.jpg',
    title: 'Spring meadow',
    tags: ['meadow'],
    sky: ['#9ad0ec', '#f1f9ff'],
    hills: ['#7cb342', '#4e7d22'],
    sun: '#fffbe0',
  },
  {
    name: 'autumn-forest.jpg',
    title: 'Autumn forest',
    tags: ['forest'],
    sky: ['#f4a261', '#ffe8cc'],
    hills: ['#b5542b', '#6e2f17'],
    sun: '#fff0d0',
  },
  {
    name: 'glacier-bay.jpg',
    title: 'Glacier bay',
    tags: ['ice', 'lake'],
    sky: ['#a8dadc', '#f1faee'],
    hills: ['#457b9d', '#1d3557'],
    sun: '#ffffff',
  },
  {
    name: 'lavender-field.jpg',
    title: 'Lavender field',
    tags: ['meadow'],
    sky: ['#cdb4db', '#fff1f8'],
    hills: ['#8e6fbf', '#5b3f8c'],
    sun: '#fff5e6',
  },
  {
    name: 'coastal-cliffs.jpg',
    title: 'Coastal cliffs',
    tags: ['sea'],
    sky: ['#8ecae6', '#e8f6fb'],
    hills: ['#6b705c', '#3f4238'],
    sun: '#fffde8',
  },
  {
    name: 'red-canyon.jpg',
    title: 'Red canyon',
    tags: ['desert', 'mountains'],
    sky: ['#ffb4a2', '#ffe5d9'],
    hills: ['#b23a48', '#6a1b2a'],
    sun: '#fff4e0',
  },
  {
    name: 'misty-valley.jpg',
    title: 'Misty valley',
    tags: ['mountains'],
    sky: ['#cfd8dc', '#f5f7f8'],
    hills: ['#78909c', '#455a64'],
    sun: '#ffffff',
  },
  {
    name: 'tropical-bay.jpg',
    title: 'Tropical bay',
    tags: ['sea'],
    sky: ['#48cae4', '#caf0f8'],
    hills: ['#2a9d8f', '#1b5e57'],
    sun: '#fffbd1',
  },
  {
    name: 'winter-pines.jpg',
    title: 'Winter pines',
    tags: ['forest', 'ice'],
    sky: ['#b8c6db', '#f5f7fa'],
    hills: ['#2d4739', '#17261e'],
    sun: '#ffffff',
  },
];

export function sceneJpeg(scene: Scene, index: number, width = 1600, height = 1067): Promise<Buffer> {
  const sunX = 300 + ((index * 337) % 1000);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 1600 1067">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${scene.sky[0]}"/><stop offset="1" stop-color="${scene.sky[1]}"/></linearGradient>
    <linearGradient id="far" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${scene.hills[0]}" stop-opacity="0.55"/><stop offset="1" stop-color="${scene.hills[1]}" stop-opacity="0.7"/></linearGradient>
    <linearGradient id="near" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${scene.hills[0]}"/><stop offset="1" stop-color="${scene.hills[1]}"/></linearGradient>
  </defs>
  <rect width="1600" height="1067" fill="url(#sky)"/>
  <circle cx="${sunX}" cy="260" r="110" fill="${scene.sun}" opacity="0.9"/>
  <path d="M0 700 L${220 + index * 17} ${420 + (index % 3) * 40} L520 640 L${820 - index * 9} ${380 + (index % 4) * 30} L1120 620 L${1380 + index * 5} 440 L1600 600 L1600 1067 L0 1067 Z" fill="url(#far)"/>
  <path d="M0 860 C 300 ${760 + (index % 5) * 20}, 600 960, 900 830 S 1400 ${780 + (index % 2) * 60}, 1600 880 L1600 1067 L0 1067 Z" fill="url(#near)"/>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}
