/**
 * The 33 dispatch territories of Dongguan (4 streets, 28 towns, 1 park area).
 * Dongguan has no districts: the centre dispatches straight to a town or street,
 * so the territory is a required field of every dispatched order.
 */
export interface Territory {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly kind: 'street' | 'town' | 'park';
}

export const TERRITORIES: readonly Territory[] = [
  { code: 'GC', name: '莞城街道', nameEn: 'Guancheng Subdistrict', kind: 'street' },
  { code: 'DC', name: '东城街道', nameEn: 'Dongcheng Subdistrict', kind: 'street' },
  { code: 'NC', name: '南城街道', nameEn: 'Nancheng Subdistrict', kind: 'street' },
  { code: 'WJ', name: '万江街道', nameEn: 'Wanjiang Subdistrict', kind: 'street' },
  { code: 'SJ', name: '石碣镇', nameEn: 'Shijie Town', kind: 'town' },
  { code: 'SL', name: '石龙镇', nameEn: 'Shilong Town', kind: 'town' },
  { code: 'CS', name: '茶山镇', nameEn: 'Chashan Town', kind: 'town' },
  { code: 'SP', name: '石排镇', nameEn: 'Shipai Town', kind: 'town' },
  { code: 'QS', name: '企石镇', nameEn: 'Qishi Town', kind: 'town' },
  { code: 'HL', name: '横沥镇', nameEn: 'Hengli Town', kind: 'town' },
  { code: 'QT', name: '桥头镇', nameEn: 'Qiaotou Town', kind: 'town' },
  { code: 'XG', name: '谢岗镇', nameEn: 'Xiegang Town', kind: 'town' },
  { code: 'DK', name: '东坑镇', nameEn: 'Dongkeng Town', kind: 'town' },
  { code: 'CP', name: '常平镇', nameEn: 'Changping Town', kind: 'town' },
  { code: 'LB', name: '寮步镇', nameEn: 'Liaobu Town', kind: 'town' },
  { code: 'ZMT', name: '樟木头镇', nameEn: 'Zhangmutou Town', kind: 'town' },
  { code: 'DL', name: '大朗镇', nameEn: 'Dalang Town', kind: 'town' },
  { code: 'HJ', name: '黄江镇', nameEn: 'Huangjiang Town', kind: 'town' },
  { code: 'QX', name: '清溪镇', nameEn: 'Qingxi Town', kind: 'town' },
  { code: 'TX', name: '塘厦镇', nameEn: 'Tangxia Town', kind: 'town' },
  { code: 'FG', name: '凤岗镇', nameEn: 'Fenggang Town', kind: 'town' },
  { code: 'DLS', name: '大岭山镇', nameEn: 'Dalingshan Town', kind: 'town' },
  { code: 'CA', name: '长安镇', nameEn: "Chang'an Town", kind: 'town' },
  { code: 'HM', name: '虎门镇', nameEn: 'Humen Town', kind: 'town' },
  { code: 'HuJ', name: '厚街镇', nameEn: 'Houjie Town', kind: 'town' },
  { code: 'ST', name: '沙田镇', nameEn: 'Shatian Town', kind: 'town' },
  { code: 'DJ', name: '道滘镇', nameEn: 'Daojiao Town', kind: 'town' },
  { code: 'HoM', name: '洪梅镇', nameEn: 'Hongmei Town', kind: 'town' },
  { code: 'MY', name: '麻涌镇', nameEn: 'Machong Town', kind: 'town' },
  { code: 'WND', name: '望牛墩镇', nameEn: 'Wangniudun Town', kind: 'town' },
  { code: 'ZT', name: '中堂镇', nameEn: 'Zhongtang Town', kind: 'town' },
  { code: 'GB', name: '高埗镇', nameEn: 'Gaobu Town', kind: 'town' },
  { code: 'SSH', name: '松山湖', nameEn: 'Songshan Lake Park', kind: 'park' },
];

export const TERRITORY_CODES = TERRITORIES.map((t) => t.code) as [string, ...string[]];

export function territoryByCode(code: string): Territory | undefined {
  return TERRITORIES.find((t) => t.code === code);
}
