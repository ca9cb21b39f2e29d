var N,nt,ls,G,Ee,be,ot,$e,rt,Ne,Ie,cs,ne=Symbol.for("pv"),ye={},ke=[],ds=/^m(i|n|o|s|text|space)$/,Ae=Array.isArray,Le=ke.slice,Z=Object.assign;function X(e){e&&e.parentNode&&e.remove()}function it(e,t,s){var a,r,l,n={},i=arguments.length;for(l in t)l=="key"?a=t[l]:l=="ref"&&typeof e!="function"?r=t[l]:n[l]=t[l];return i>2&&(n.children=i>3?Le.call(arguments,2):s),ae(e,n,a,r,null)}function ae(e,t,s,a,r){var l={type:e,props:t,key:s,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:ne,__v:r||++nt,__i:-1,__u:0};return!r&&N.vnode&&N.vnode(l),l}function we(e){return e.children}function ve(e,t){this.props=e,this.context=t,this.__g=0}function K(e,t){if(t==null)return e.__&&K(e.__,e.__i+1);for(var s;t<e.__k.length;t++)if((s=e.__k[t])&&s.__e)return s.__e;return typeof e.type!="function"||e.props.__P?null:K(e)}function ps(e){var t,s=e.__v,a=s.__e,r=[],l=[],n=e.__P;n&&((t=Z({constructor:ne},s)).__v=s.__v+1,N.vnode&&N.vnode(t),Te(n,t,s,e.__n,n.namespaceURI,32&s.__u?[a]:null,r,a||K(s),32&s.__u,l),t.__v=s.__v,t.__.__k[t.__i]=t,mt(r,t,l),s.__=s.__e=null,t.__e!=a&&lt(t))}function lt(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),lt(e)}function st(e){(8&e.__g||(e.__g|=8,G.push(e),be++))&&Ee==N.debounceRendering||((Ee=N.debounceRendering)||queueMicrotask)(ct)}function ct(){try{for(var e,t=1;G.length;)G.length>t&&G.sort(ot),e=G.shift(),t=G.length,8&e.__g&&ps(e)}finally{(be=G.length)&&(Ee||queueMicrotask)(ct)}}function dt(e,t,s,a,r,l,n,i,m,h,d){var u,p,c,g,b,f,_=a.__k||ke,y=t.length;for(m=us(s,t,_,m,y),u=0;u<y;u++)(c=s.__k[u])!=null&&(p=~c.__i&&_[c.__i]||ye,c.__i=u,f=Te(e,c,p,r,l,n,i,m,h,d),g=c.__e,(p.ref!=c.ref||8&p.__u)&&(p.ref&&Pe(p.ref,null,c,p),c.ref&&d.push(c.ref,c.__c||g,c)),b=b||g,4&c.__u?(m=pt(c,m,e,!p.__v),p.__e&&(p.__e=null)):typeof c.type=="function"&&f!==void 0?m=f:g&&(m=g.nextSibling),c.__u&=-21);return s.__e=b,m}function us(e,t,s,a,r){var l,n,i,m,h,d,u,p,c,g=s.length,b=g,f=0,_=0,y=e.__k=Array(r);for(l=0;l<r;l++)(n=t[l])!=null&&typeof n!="boolean"&&typeof n!="function"?(typeof n!="object"||n.constructor===String?n=y[l]=ae(null,n):Ae(n)?n=y[l]=ae(we,{children:n}):n.constructor===ne&&n.__b?n=y[l]=ae(n.type,n.props,n.key,n.ref,n.__v):y[l]=n,m=l+f,n.__=e,n.__b=e.__b+1,i=null,~(h=n.__i=ms(n,s,m,b))&&(b--,(i=s[h])&&(i.__u|=2)),i&&i.__v?(n.__u|=16,h==m-1?f--:h==m+1?f++:h!=m&&(h>m?f--:f++,_=1)):(~h||(r>g?f--:r<g&&f++),typeof n.type!="function"&&(n.__u|=4))):y[l]=null;if(_){for(d=[],u=[],l=0;l<r;l++)if((n=y[l])&&16&n.__u){for(f=0,p=d.length;f<p;)d[c=f+p>>1]<n.__i?f=c+1:p=c;d[f]=n.__i,u[l]=f+1}for(f=d.length;l--;)u[l]&&(u[l]==f?f--:y[l].__u|=4)}if(b)for(l=0;l<g;l++)!(i=s[l])||2&i.__u||(i.__e==a&&(a=K(i)),Re(i,i));return a}function pt(e,t,s,a){var r,l,n,i;if(typeof e.type=="function"){if(e.props.__P)return t;if(r=e.__k)for(l=0;l<r.length;l++)r[l]&&(r[l].__=e,t=pt(r[l],t,s,!1));return t}for(t&&!t.parentNode&&(t=K(e))&&!t.parentNode&&(t=null),n=e.__e,i=t;i&&i.nodeType==8;)i=i.nextSibling;for(n!=i&&(!a&&s.moveBefore&&n.parentNode?s.moveBefore(n,t):s.insertBefore(n,t||null)),t=n;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function ms(e,t,s,a){var r,l=e.key,n=e.type,i=t[s],m=i&&!(2&i.__u);if(i===null&&l==null||m&&l==i.key&&n==i.type)return s;if(a>(m?1:0)){for(r=s-1;r>=0;r--)if((i=t[r])&&!(2&i.__u)&&l==i.key&&n==i.type)return r;for(r=s+1;r<t.length;r++)if((i=t[r])&&!(2&i.__u)&&l==i.key&&n==i.type)return r}return-1}function at(e,t,s){s==null&&(s=""),t[0]=="-"?e.setProperty(t,s):e[t]=s}function ge(e,t,s,a,r){var l,n;if(t=="style")if(typeof s=="string")e.style.cssText=s;else{if(typeof a=="string"&&(e.style.cssText=a=""),a)for(t in a)s&&t in s||at(e.style,t);if(s)for(t in s)a&&s[t]==a[t]||at(e.style,t,s[t])}else if(t[0]=="o"&&t[1]=="n")typeof s!="function"&&(s=null),typeof a!="function"&&(a=null),(e.__e||(e.__e={}))[t]=s,s&&a||(n=Ie[t]||(Ie[t]=fs(t)),(e.__a||(e.__a={}))[t]=Ne,l=t!=(t=t.replace(rt,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),s?e.addEventListener(t,n,l):e.removeEventListener(t,n,l));else{if(r=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=s??"")}catch{}if(typeof s=="function")return;s==null||s===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&s==1?"":s)}}function fs(e){return function(t){var s=this.__e;if(s){if(s=s[e],t[$e]==null)t[$e]=Ne++;else if(t[$e]<this.__a[e])return;return s(N.event?N.event(t):t)}}}function Te(e,t,s,a,r,l,n,i,m,h){var d,u,p,c,g,b,f,_,y,v,$,x,M,he,J,tt,q,Y,j=t.type;if(t.constructor!==ne)return null;128&s.__u&&(m=32&s.__u,d=s.__c.__z)&&(t.__u|=m,u=l=[],d.nodeType==8?i=_e(d,l):l.push(d),i=l[0]||i),(d=N.__b)&&d(t);e:if(typeof j=="function"){p=n.length;try{if(_=t.props,y=(d=j.prototype)&&d.render,v=(d=j.contextType)&&a[d.__c],$=d?v?v.props.value:d.__:a,(c=s.__c)?(t.__c=c,2&c.__g&&(c.__g|=1)):(y?t.__c=c=new j(_,$):(t.__c=c=new ve(_,$),c.constructor=j,c.render=gs),v&&v.sub(c),c.state||(c.state={}),c.__n=a,c.__g|=8,c.__h=[],c.__k=[]),y&&(c.__s||(c.__s=c.state),j.getDerivedStateFromProps&&(c.__s==c.state&&(c.__s=Z({},c.__s)),Z(c.__s,j.getDerivedStateFromProps(_,c.__s)))),g=c.props,b=c.state,c.__v=t,s.__c){if(_!==g&&y&&!j.getDerivedStateFromProps&&c.componentWillReceiveProps&&c.componentWillReceiveProps(_,$),t.__v==s.__v&&!(8&c.__g)||!(4&c.__g)&&c.shouldComponentUpdate&&c.shouldComponentUpdate(_,c.__s,$)===!1){t.__v!=s.__v&&(c.props=_,c.state=c.__s,c.__g&=-9),t.__e=s.__e,t.__k=s.__k,t.__k.some(function(F){F&&(F.__=t)}),ke.push.apply(c.__h,c.__k),c.__k=[],c.__h.length&&n.push(c),i=K(s);break e}c.componentWillUpdate&&c.componentWillUpdate(_,c.__s,$),y&&c.componentDidUpdate&&c.__h.push(function(){c.componentDidUpdate(g,b,f)})}else y&&!j.getDerivedStateFromProps&&c.componentWillMount&&c.componentWillMount(),y&&c.componentDidMount&&c.__h.push(c.componentDidMount);c.context=$,c.props=_,c.__P=e,c.__g&=-5,x=N.__r,M=y?25:0;do c.__g&=-9,x&&x(t),d=c.render(c.props,c.state=c.__s,c.context);while(8&c.__g&&++M<25);y&&(ke.push.apply(c.__h,c.__k),c.__k=[]),c.state=c.__s,c.getChildContext&&(a=Z({},a,c.getChildContext())),y&&s.__c&&c.getSnapshotBeforeUpdate&&(f=c.getSnapshotBeforeUpdate(g,b)),he=d&&d.type===we&&d.key==null?d.props.children:d,_.__P&&(d=i,r=(e=_.__P).namespaceURI,m=l=null,s.props&&s.props.__P!=e&&(s.__k.some(function(F){F&&Re(F,F)}),s.__k=null),i=s.__k?K(s,0):null),i=dt(e,Ae(he)?he:[he],t,s,a,r,l,n,i,m,h),_.__P&&(t.__e=null,i=d),t.__u&=-161,u&&u.some(X),c.__h.length&&n.push(c),1&c.__g&&(c.__g&=-4)}catch(F){if(n.length=p,t.__v=null,m||l)if(F&&F.then){if(t.__u|=128|m,l){for(~(q=l.indexOf(i||void 0))||(q=l.length);(Y=l[q-1])&&Y.nodeType==8;)q--;for(;q<l.length;q++)if(Y=l[q])if(l[q]=null,J){if(Y==tt)break}else{if(Y.nodeType!=8)break;Y.data.startsWith("$s")&&(tt=_e(J=Y))}}if(!J){for(;i&&i.nodeType==8&&i.nextSibling;)i=i.nextSibling;J=i}(d=_e(J=t.__c.__z||(t.__c.__z=J)))?(t.__e=J,i=d):t.__e=i,i=i&&i.nextSibling}else l&&l.some(X);else t.__e=s.__e;t.__k||(t.__k=s.__k||[]),F&&F.then||ut(t),N.__e(F,t,s)}}else i=t.__e=hs(s.__e,t,s,a,r,l,n,m,h,e);return(d=N.diffed)&&d(t),i}function _e(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var s=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))s++;else if(e.data.startsWith("/$s")&&!--s)return e}t&&t.push(e)}}function ut(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ut))}function mt(e,t,s){for(var a=0;a<s.length;)Pe(s[a++],s[a++],s[a++]);N.__c&&N.__c(t,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(l){l.call(r)})}catch(l){N.__e(l,r.__v)}})}function hs(e,t,s,a,r,l,n,i,m,h){var d,u,p,c,g,b,f,_,y=s.props||ye,v=t.props,$=t.type;if($=="svg"?r="http://www.w3.org/2000/svg":$=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),l){for(d=0;d<l.length;d++)if((g=l[d])&&($?g.localName==$:g.nodeType==3)){e=g,l[d]=null;break}}if(!e){if(_=h.ownerDocument||document,!$)return _.createTextNode(v);e=_.createElementNS(r,$,v.is?v:h),i&&(N.__m&&N.__m(t,l),i=!1),l=null}if($){if(h=$=="template"&&e.content||e,l=$=="textarea"&&v.defaultValue!=null?null:l&&Le.call(h.childNodes),!i&&l)for(y={},d=0;d<e.attributes.length;d++)y[(g=e.attributes[d]).name]=g.value;for(d in y)g=y[d],d=="dangerouslySetInnerHTML"?p=g:d=="children"||d in v||d=="value"&&"defaultValue"in v||d=="checked"&&"defaultChecked"in v||ge(e,d,null,g,r);for(d in v)g=v[d],d=="children"?c=g:d=="dangerouslySetInnerHTML"?u=g:d=="value"?b=g:d=="checked"?f=g:i&&typeof g!="function"||y[d]===g||ge(e,d,g,y[d],r);u?(i||p&&(u.__html==p.__html||u.__html==e.innerHTML)||(e.innerHTML=u.__html),t.__k=[]):(p&&(e.textContent=""),($=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&ds.test($))&&(r="http://www.w3.org/1999/xhtml"),dt(h,Ae(c)?c:[c],t,s,a,r,l,n,l?l[0]:s.__k&&K(s,0),i,m),l&&l.some(X)),i&&$!="textarea"||(d="value",$=="progress"&&b==null?e.removeAttribute(d):b==null||b===e[d]&&($!="progress"||b)||ge(e,d,b,y[d],r),d="checked",f!=null&&f!=e[d]&&ge(e,d,f,y[d],r))}else y===v||i&&e.data==v||(e.data=v);return e}function Pe(e,t,s,a){try{typeof e=="function"?t?t.__x=e(t)||1:a&&(a=a.__c||a.__e)&&(t=a.__x)&&(a.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(r){N.__e(r,s)}}function Re(e,t,s){var a,r,l,n;if(N.unmount&&N.unmount(e),!(a=e.ref)||a.current&&a.current!=e.__e||Pe(a,null,t,e),a=e.__c){if(a.componentWillUnmount)try{a.componentWillUnmount()}catch(i){N.__e(i,t)}a.__P=a.__n=null}if(a=e.__k)for(n=0;n<a.length;n++)a[n]&&Re(a[n],t,typeof e.type!="function"||s&&!e.props.__P);!s&&(a=e.__c)&&(a=a.__z)&&(r=_e(a,l=[]))&&(a==e.__e&&l.some(X),X(r),X(a)),s||X(e.__e),e.__e=e.__c=e.__=null}function gs(e,t,s){return this.constructor(e,s)}function ft(e,t){var s,a,r,l;N.__&&N.__(e,t),t.nodeType==9&&(t=t.documentElement),a=(s=e&&32&e.__u)?null:t.__k,t.__k=ae(we,{children:[e]}),r=[],l=[],Te(t,t.__k,a||ye,ye,t.namespaceURI,a?null:t.firstChild?Le.call(t.childNodes):null,r,a?a.__e:t.firstChild,s,l),mt(r,t.__k,l),t.__k.props.children=null}N={__e:function(e,t,s,a){for(var r,l,n;t=t.__;)if((r=t.__c)&&!(1&r.__g)){r.__g|=4;try{if((n=(l=r.constructor)&&l.getDerivedStateFromError)&&r.setState(l.getDerivedStateFromError(e)),r.componentDidCatch&&(r.componentDidCatch(e,a||{}),n=1),n&&8&r.__g)return void(r.__g|=2)}catch(i){e=i}}throw be=0,e}},nt=0,ls=function(e){return e!=null&&e.constructor===ne},ve.prototype.setState=function(e,t){var s=this.__s;s&&s!=this.state||(s=this.__s=Z({},this.state)),typeof e=="function"&&(e=e(Z({},s),this.props)),e&&(Z(s,e),this.__v&&(t&&this.__k.push(t),st(this)))},ve.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),st(this))},ve.prototype.render=we,G=[],be=0,ot=function(e,t){return e.__v.__b-t.__v.__b},$e=Symbol(),rt=/(PointerCapture)$|Capture$/i,Ne=0,Ie={},cs=0;var re,R,De,ht,Oe=Object.is,ie=0,xt=[],Me=[],P=N,gt=P.__b,$t=P.__r,vt=P.diffed,_t=P.__c,bt=P.unmount,yt=P.__;function Fe(e,t){P.__h&&P.__h(R,e,ie||t),ie=0;var s=R.__H||(R.__H={__:[],__h:[]});return e>=s.__.length&&s.__.push({}),s.__[e]}function k(e){return ie=1,$s(Et,e)}function $s(e,t,s){var a=Fe(re++,2);if(a.t=e,!a.__c&&(a.__=[s?s(t):Et(void 0,t),function(l){var n=(a.__N||a.__)[0],i=a.t(n,l);Oe(n,i)||(a.__N=[i,a.__[1]],a.__c.setState({}))}],a.__c=R,!R.__f)){R.__f=!0;var r=R.shouldComponentUpdate;R.shouldComponentUpdate=function(l,n,i){var m=this.__H;if(!m)return!0;var h=!1,d=this.props!=l;if(m.__.some(function(p){p.__N&&(h=!0,Oe(p.__[0],p.__N[0])||(d=!0))}),r){var u=r.call(this,l,n,i);return h?u||d:u}return!h||d}}return a.__}function B(e,t){var s=Fe(re++,3);!P.__s&&Ct(s.__H,t)&&(s.__P=!0,s.__=e,s.u=t,R.__H.__h.push(s))}function te(e){return ie=5,le(function(){return{current:e}},[])}function le(e,t){var s=Fe(re++,7);return Ct(s.__H,t)&&(s.__=e(),s.__H=t),s.__}function St(e,t){return ie=8,le(function(){return e},t)}function vs(){var e;do{for(;e=Me.shift();)try{oe(e)}catch(s){P.__e(s,{__:(e=e.__P)&&e.__v})}for(;e=xt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(oe),t.__h.some(Ue),t.__h=[]}catch(s){t.__h=[],P.__e(s,e.__v)}}}while(Me.length)}P.__b=function(e){R=null,gt&&gt(e)},P.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),yt&&yt(e,t)},P.__r=function(e){$t&&$t(e),re=0;var t=(R=e.__c).__H;t&&(De==R?R.__h=[]:(t.__h.some(oe),t.__h.some(Ue),re=0),t.__h=[],t.__.some(function(s){s.__N&&(s.__=s.__N),s.u=s.__N=void 0})),De=R},P.diffed=function(e){vt&&vt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&wt(xt.push(t)),t.__H.__.some(function(s){s.u&&(s.__H=s.u)})),De=R=null},P.__c=function(e,t){t.some(function(s){try{s.__h.some(oe),s.__h=s.__h.filter(function(a){return!a.__||Ue(a)})}catch(a){s.__h=[function(){throw a}]}}),_t&&_t(e,t)},P.unmount=function(e){bt&&bt(e);var t,s,a=e.__c;a&&a.__H&&(a.__H.__.some(function(r){try{if(r.__P&&r.__c){if(s===void 0){for(s=e.__;s&&(!s.__c||!s.__c.__P);)s=s.__;s=s&&s.__c}r.__P=s,wt(Me.push(r))}else oe(r)}catch(l){t=l}}),a.__H=void 0,t&&P.__e(t,a.__v))};var kt=typeof requestAnimationFrame=="function";function _s(e){var t,s=function(){clearTimeout(a),kt&&cancelAnimationFrame(t),setTimeout(e)},a=setTimeout(s,35);kt&&(t=requestAnimationFrame(s))}function wt(e){e!=1&&ht==P.requestAnimationFrame||((ht=P.requestAnimationFrame)||_s)(vs)}function oe(e){var t=R,s=e.__c;typeof s=="function"&&(e.__c=void 0,s()),R=t}function Ue(e){var t=R;e.__c=e.__(),R=t}function Ct(e,t){return!e||e.length!=t.length||t.some(function(s,a){return!Oe(s,e[a])})}function Et(e,t){return typeof t=="function"?t(e):t}var Ve="scanfleet.token",Be=sessionStorage.getItem(Ve)||"",je=new Set;function It(){return Be}function xe(e){Be=e,e?sessionStorage.setItem(Ve,e):sessionStorage.removeItem(Ve);for(let t of je)t(e)}function Nt(e){return je.add(e),()=>je.delete(e)}var se=class extends Error{constructor(t,s){super(s),this.status=t}};async function w(e,{method:t="GET",body:s,raw:a=!1,token:r}={}){let l={Authorization:"Bearer "+(r??Be)};s!==void 0&&(l["Content-Type"]="application/json");let n=await fetch(e,{method:t,headers:l,body:s===void 0?void 0:JSON.stringify(s)});if(n.status===401)throw r===void 0&&xe(""),new se(401,"The token was refused; log in again.");if(!n.ok){let i=n.statusText;try{i=(await n.json()).error||i}catch{}throw new se(n.status,i)}return a?n:n.status===204?null:n.json()}async function At(e,t){let s=await w(e,{raw:!0}),a=s.headers.get("Content-Disposition")||"",r=/filename="([^"]+)"/.exec(a),l=await s.blob(),n=URL.createObjectURL(l),i=document.createElement("a");i.href=n,i.download=r?r[1]:t,document.body.appendChild(i),i.click(),i.remove(),setTimeout(()=>URL.revokeObjectURL(n),1e4)}function U(e){let t=new URLSearchParams;for(let[a,r]of Object.entries(e))r!=null&&r!==""&&r!==!1&&t.set(a,String(r));let s=t.toString();return s?"?"+s:""}var Tt=function(e,t,s,a){var r;t[0]=0;for(var l=1;l<t.length;l++){var n=t[l++],i=t[l]?(t[0]|=n?1:2,s[t[l++]]):t[++l];n===3?a[0]=i:n===4?a[1]=Object.assign(a[1]||{},i):n===5?(a[1]=a[1]||{})[t[++l]]=i:n===6?a[1][t[++l]]+=i+"":n?(r=e.apply(i,Tt(e,i,s,["",null])),a.push(r),i[0]?t[0]|=2:(t[l-2]=0,t[l]=r)):a.push(i)}return a},Lt=new Map;function Pt(e){var t=Lt.get(this);return t||(t=new Map,Lt.set(this,t)),(t=Tt(this,t.get(e)||(t.set(e,t=(function(s){for(var a,r,l=1,n="",i="",m=[0],h=function(p){l===1&&(p||(n=n.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?m.push(0,p,n):l===3&&(p||n)?(m.push(3,p,n),l=2):l===2&&n==="..."&&p?m.push(4,p,0):l===2&&n&&!p?m.push(5,0,!0,n):l>=5&&((n||!p&&l===5)&&(m.push(l,0,n,r),l=6),p&&(m.push(l,p,0,r),l=6)),n=""},d=0;d<s.length;d++){d&&(l===1&&h(),h(d));for(var u=0;u<s[d].length;u++)a=s[d][u],l===1?a==="<"?(h(),m=[m],l=3):n+=a:l===4?n==="--"&&a===">"?(l=1,n=""):n=a+n[0]:i?a===i?i="":n+=a:a==='"'||a==="'"?i=a:a===">"?(h(),l=1):l&&(a==="="?(l=5,r=n,n=""):a==="/"&&(l<5||s[d][u+1]===">")?(h(),l===3&&(m=m[0]),l=m,(m=m[0]).push(2,0,l),l=0):a===" "||a==="	"||a===`
`||a==="\r"?(h(),l=2):n+=a),l===3&&n==="!--"&&(l=4,m=m[0])}return h(),m})(e)),t),arguments,[])).length>1?t:t[0]}var o=Pt.bind(it);function Q(e){let[t,s]=k(e),a=te(e);return B(()=>{a.current!==e&&(a.current=e,s(e))},[e]),[t,s]}var D=["CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE","UNKNOWN"];function He(){let e=location.hash.replace(/^#/,"")||"/images",[t,s=""]=e.split("?");return{parts:t.split("/").filter(Boolean).map(decodeURIComponent),query:Object.fromEntries(new URLSearchParams(s))}}function C(e,t={}){let s=new URLSearchParams;for(let[r,l]of Object.entries(t))l!=null&&l!==""&&l!==!1&&s.set(r,String(l));let a=s.toString();return"#/"+e.map(r=>encodeURIComponent(r).replace(/%3A/gi,":")).join("/")+(a?"?"+a:"")}function H(e,t){location.hash=C(e,t)}function E(e,t,s=0){let[a,r]=k({data:null,error:null,loading:!0}),l=te(0),n=St(async()=>{let i=++l.current;try{let m=await e();i===l.current&&r({data:m,error:null,loading:!1})}catch(m){i===l.current&&r(h=>({data:h.data,error:m,loading:!1}))}},t);return B(()=>{if(r(m=>({...m,loading:!0})),n(),!s)return;let i=setInterval(n,s);return()=>{clearInterval(i),l.current++}},[n]),{...a,reload:n}}function ce(){return typeof matchMedia=="function"&&matchMedia("(max-width: 600px)").matches}function O(e){if(!e)return"";let[t,s]=e.includes(":")?e.split(":"):["",e];return(t?t+":":"")+s.slice(0,12)}function A(e){if(!e)return"never";let t=new Date(e);return isNaN(t)||t.getFullYear()<2e3?"never":t.toLocaleString()}function T(e){if(!e)return"never";let t=new Date(e);if(isNaN(t)||t.getFullYear()<2e3)return"never";let s=Math.round((Date.now()-t.getTime())/1e3);return s<5?"just now":s<60?s+" s ago":s<3600?Math.round(s/60)+" min ago":s<86400?Math.round(s/3600)+" h ago":Math.round(s/86400)+" d ago"}function Dt(e){if(!e)return"0 B";let t=["B","KB","MB","GB","TB"],s=0;for(;e>=1e3&&s<t.length-1;)e/=1e3,s++;return(s?e.toFixed(1):e)+" "+t[s]}function W(e){return"sev sev-"+(e||"unknown").toLowerCase()}function S({error:e}){return e?o`<p class="error" role="alert">${e.message||String(e)}</p>`:null}function I({what:e="Loading"}){return o`<p class="muted" role="status">${e}…</p>`}function Rt(e){let t=e==null?"":Array.isArray(e)?e.join(" "):String(e);return/^[=+\-@\t\r]/.test(t)&&(t="'"+t),/[",\n\r]/.test(t)?'"'+t.replace(/"/g,'""')+'"':t}function bs(e,t){let s=[e.map(([a])=>Rt(a)).join(",")];for(let a of t)s.push(e.map(([,r])=>Rt(r(a))).join(","));return s.join(`\r
`)+`\r
`}function We(e,t,s="text/csv"){let a=URL.createObjectURL(new Blob([t],{type:s+";charset=utf-8"})),r=document.createElement("a");r.href=a,r.download=e,document.body.appendChild(r),r.click(),r.remove(),setTimeout(()=>URL.revokeObjectURL(a),1e4)}function L({name:e,columns:t,rows:s,label:a="Export CSV"}){let[r,l]=k(!1),[n,i]=k(null);async function m(){l(!0),i(null);try{We(e+".csv",bs(t,await s()))}catch(h){i(h)}l(!1)}return o`<span class="csv"><button type="button" class="small" onClick=${m} disabled=${r}
    aria-label=${a+" ("+e+".csv)"}>${r?"Exporting\u2026":a}</button>${n&&o` <span class="error" role="alert">${n.message}</span>`}</span>`}function V({offset:e,size:t,total:s,onGo:a,label:r="Pages"}){return s<=t&&e===0?null:o`<nav class="pager" aria-label=${r}>
    <button type="button" disabled=${e===0} onClick=${()=>a(Math.max(0,e-t))}>Previous</button>
    <span>${e+1}–${Math.min(s,e+t)} of ${s}</span>
    <button type="button" disabled=${e+t>=s} onClick=${()=>a(e+t)}>Next</button>
  </nav>`}function Se({coverage:e,notCovered:t=[]}){return e==="not_covered"?o`<span class="nc-badge" title=${"The database has no data for "+t.join(", ")+": findings there are unknown, not absent"}>
      Not covered: ${t.join(", ")}</span>`:e==="unknown"?o`<span class="nc-badge unknown" title="The report does not say whether the database covered this image">Coverage unknown</span>`:null}function Ot(e){return(e||"").split(/[\n,]/).map(t=>t.trim()).filter(Boolean)}var ys=[["name",e=>e.name],["url",e=>e.url],["filters",e=>e.filters||[]],["interval",e=>e.interval],["last_crawl",e=>e.last_crawl],["last_error",e=>e.last_error],["images",e=>e.images],["queued",e=>e.queued],["leased",e=>e.leased],["failed",e=>e.failed]],qe=[["","Manual only"],["15m0s","Every 15 minutes"],["1h0m0s","Every hour"],["6h0m0s","Every 6 hours"],["24h0m0s","Every day"]];function ks(e){if(!e)return"Manual";let t=qe.find(([s])=>s===e);return t?t[1]:"Every "+e}var Mt={name:"",url:"",username:"",password:"",token:"",insecure:!1,filters:"",interval:"",max_repositories:"",max_tags:"",rescan_after_db_update:!1,kind:"",namespace:"",api:"",repositories:"",api_token:"",webhook_secret:"",max_pulls:"",pulls_per_second:""},ws=[["","Generic (/v2/_catalog)"],["dockerhub","Docker Hub"],["ghcr","GitHub (GHCR)"],["gitlab","GitLab"],["harbor","Harbor"],["quay","Quay"],["artifactory","JFrog Artifactory"],["nexus","Sonatype Nexus"],["ecr","Amazon ECR"],["gar","Google Artifact Registry"],["acr","Azure Container Registry"]];function xs({initial:e,onDone:t,onCancel:s}){let a=!!e,[r,l]=k(e?{...Mt,...e,password:"",token:"",filters:(e.filters||[]).join(`
`),interval:e.interval||"",max_repositories:e.max_repositories||"",max_tags:e.max_tags||"",kind:e.kind||"",namespace:e.namespace||"",api:e.api||"",repositories:(e.repositories||[]).join(`
`),api_token:"",webhook_secret:"",max_pulls:e.max_pulls||"",pulls_per_second:e.pulls_per_second||""}:Mt),[n,i]=k(null),[m,h]=k(!1),d=c=>g=>{let b=g.currentTarget;l({...r,[c]:b.type==="checkbox"?b.checked:b.value})};async function u(c){c.preventDefault(),h(!0),i(null);let g={name:r.name.trim(),url:r.url.trim(),username:r.username.trim()||void 0,password:r.password||void 0,token:r.token||void 0,insecure:r.insecure||void 0,filters:r.filters.split(/[\n,]/).map(b=>b.trim()).filter(Boolean),interval:r.interval.trim(),max_repositories:r.max_repositories?Number(r.max_repositories):void 0,max_tags:r.max_tags?Number(r.max_tags):void 0,rescan_after_db_update:r.rescan_after_db_update||void 0,kind:r.kind||void 0,namespace:r.namespace.trim()||void 0,api:r.api.trim()||void 0,repositories:r.repositories.split(/[\n,]/).map(b=>b.trim()).filter(Boolean),api_token:r.api_token||void 0,webhook_secret:r.webhook_secret||void 0,max_pulls:r.max_pulls?Number(r.max_pulls):void 0,pulls_per_second:r.pulls_per_second?Number(r.pulls_per_second):void 0};try{a?await w("/api/v1/registries/"+encodeURIComponent(e.name),{method:"PUT",body:g}):await w("/api/v1/registries",{method:"POST",body:g}),t(g.name)}catch(b){i(b),h(!1)}}let p=r.interval&&!qe.some(([c])=>c===r.interval);return o`<form class="card form" onSubmit=${u} aria-labelledby="regform-title">
    <h2 id="regform-title">${a?"Edit registry "+e.name:"Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${r.name} onInput=${d("name")}
          readonly=${a} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${r.url} onInput=${d("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${r.username} onInput=${d("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${r.password} onInput=${d("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${r.token} onInput=${d("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${p?"custom":r.interval} onChange=${c=>{let g=c.currentTarget.value;l({...r,interval:g==="custom"?"2h":g})}}>
          ${qe.map(([c,g])=>o`<option value=${c}>${g}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${p&&o`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${r.interval} onInput=${d("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${r.filters} onInput=${d("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${r.max_repositories} onInput=${d("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${r.max_tags} onInput=${d("max_tags")} />
      </div>
      <div class="field">
        <label for="reg-kind">Kind</label>
        <select id="reg-kind" value=${r.kind} onChange=${d("kind")}>
          ${ws.map(([c,g])=>o`<option value=${c}>${g}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="reg-namespace">Namespace (what the kind's API lists)</label>
        <input id="reg-namespace" placeholder="acme" value=${r.namespace} onInput=${d("namespace")} />
      </div>
      <div class="field">
        <label for="reg-api">API URL (when not the kind's default)</label>
        <input id="reg-api" type="url" value=${r.api} onInput=${d("api")} />
      </div>
      <div class="field">
        <label for="reg-apitoken">API token (when not the password)</label>
        <input id="reg-apitoken" type="password" autocomplete="off" value=${r.api_token} onInput=${d("api_token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field wide">
        <label for="reg-repos">Repositories (one per line, REPO or REPO:tag glob; instead of any listing)</label>
        <textarea id="reg-repos" rows="2" placeholder="team/app:v*" value=${r.repositories} onInput=${d("repositories")}></textarea>
      </div>
      <div class="field">
        <label for="reg-hook">Webhook secret</label>
        <input id="reg-hook" type="password" autocomplete="off" value=${r.webhook_secret} onInput=${d("webhook_secret")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-maxpulls">Max pulls at once (whole fleet)</label>
        <input id="reg-maxpulls" type="number" min="0" value=${r.max_pulls} onInput=${d("max_pulls")} />
      </div>
      <div class="field">
        <label for="reg-pps">Pulls per second</label>
        <input id="reg-pps" type="number" min="0" step="any" value=${r.pulls_per_second} onInput=${d("pulls_per_second")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${r.insecure} onChange=${d("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${r.rescan_after_db_update} onChange=${d("rescan_after_db_update")} />
        <label for="reg-rescan">Rescan after database updates</label>
      </div>
    </div>
    <p id="reg-secret-hint" class="hint">
      Secrets are stored encrypted and never shown again.
      ${a&&o` Saving replaces them:
        ${e.password_set||e.token_set?o`<strong>retype the password or token</strong>, or leave both empty for none.`:"none is set now."}`}
    </p>
    <${S} error=${n} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${m}>${a?"Save":"Add registry"}</button>
      <button type="button" onClick=${s}>Cancel</button>
    </div>
  </form>`}function Ss({r:e}){let t=e.queued+e.leased+e.scanned+e.failed,s=e.crawling||e.queued+e.leased>0,a;return e.crawling?a="Listing images\u2026":s?a=`Scanning: ${e.scanned} of ${t} done, ${e.leased} in progress, ${e.queued} waiting`:e.last_crawl?a=`Last scan ${T(e.last_crawl)}: ${e.scanned} scanned`+(e.failed?`, ${e.failed} failed`:""):a="Never scanned",o`<div class="progress-cell">
    <span class=${s?"state running":"state"} data-testid="reg-status">${a}</span>
    ${s&&t>0&&o`<progress max=${t} value=${e.scanned+e.failed} aria-label=${"Scan progress of "+e.name}></progress>`}
    ${e.last_error&&o`<span class="error small">Last crawl error: ${e.last_error}</span>`}
  </div>`}function Ut({role:e}){let t=e==="admin",{data:s,error:a,reload:r}=E(()=>w("/api/v1/console/registries"),[],2e3),[l,n]=k(null),[i,m]=k(""),[h,d]=k(null);async function u(p,c){d(null);try{await p(),m(c),r()}catch(g){d(g)}}return o`
    <div class="page-head">
      <h1>Registries</h1>
      ${t&&!l&&o`<button type="button" class="primary" onClick=${()=>n("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${i}</p>
    ${l&&o`<${xs}
      initial=${l==="new"?null:l}
      onCancel=${()=>n(null)}
      onDone=${p=>{n(null),m("Registry "+p+" saved."),r()}}
    />`}
    <${S} error=${h||a} />
    ${!s&&!a&&o`<${I} />`}
    ${s&&s.length===0&&o`<p class="empty">No registries yet.${t?" Add one to start scanning.":""}</p>`}
    ${s&&s.length>0&&o`<div class="list-tools"><span></span><${L} name="registries" columns=${ys} rows=${()=>s} /></div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${t&&o`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${s.map(p=>o`<tr key=${p.name} data-registry=${p.name}>
            <th scope="row"><a href=${C(["images"],{registry:p.name})}>${p.name}</a>
              ${(p.filters||[]).length>0&&o`<div class="small muted">${p.filters.join(", ")}</div>`}</th>
            <td class="mono small">${p.url}${p.username&&o`<div class="muted">as ${p.username}</div>`}</td>
            <td>${ks(p.interval)}${p.rescan_after_db_update&&o`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${p.images}</td>
            <td><${Ss} r=${p} /></td>
            ${t&&o`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan "+p.name+" now"} disabled=${p.crawling}
                onClick=${()=>u(()=>w(`/api/v1/registries/${encodeURIComponent(p.name)}/scan`,{method:"POST",body:{}}),"Scan of "+p.name+" started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit "+p.name} onClick=${()=>n(p)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete "+p.name}
                onClick=${()=>confirm(`Delete registry ${p.name}? Its stored results stay.`)&&u(()=>w(`/api/v1/registries/${encodeURIComponent(p.name)}`,{method:"DELETE"}),"Registry "+p.name+" deleted.")}>Delete</button>
            </td>`}
          </tr>`)}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`}var Ft={CRITICAL:"#8e1b1b",HIGH:"#d2461c",MEDIUM:"#c98a00",LOW:"#2f6db3",NEGLIGIBLE:"#5f7481",UNKNOWN:"#8a8a8a"};function de(e){return Ft[e]||Ft.UNKNOWN}function z({counts:e={},fixable:t={},title:s="Findings by severity"}){let a=D.filter(g=>e[g]>0);if(!a.reduce((g,b)=>g+e[b],0))return o`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No findings.</p></figure>`;let l=Math.max(...a.map(g=>e[g])),n=26,i=ce(),m=i?84:92,h=i?96:120,d=i?340:560,u=d-m-h,p=a.length*n+24,c=s+": "+a.map(g=>`${e[g]} ${g.toLowerCase()} (${t[g]||0} with a fix)`).join(", ");return o`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${d} ${p}" role="img" aria-label=${c} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${a.map(g=>o`<pattern id=${"nofix-"+g} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${de(g)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${de(g)} stroke-width="3" />
          </pattern>`)}
      </defs>
      ${a.map((g,b)=>{let f=b*n+2,_=e[g],y=Math.min(t[g]||0,_),v=Math.max(2,_/l*u),$=y/_*v;return o`<g>
          <text x="0" y=${f+16} class="chart-label">${g}</text>
          <rect x=${m} y=${f+3} width=${$} height="18" fill=${de(g)} />
          <rect x=${m+$} y=${f+3} width=${v-$} height="18" fill=${"url(#nofix-"+g+")"} />
          <text x=${m+v+6} y=${f+16} class="chart-num">${_} (${y} fix)</text>
        </g>`})}
      <g transform=${`translate(${m},${a.length*n+8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${a[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`}function Ce({samples:e=[],series:t,title:s,timeFmt:a}){let r=ce()?360:640,l=ce()?200:220,n=44,i=12,m=12,h=40;if(e.length<2)return o`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;let d=new Date(e[0].time).getTime(),u=new Date(e[e.length-1].time).getTime(),p=Math.max(1,u-d),c=Math.max(1,...e.flatMap(x=>t.map(M=>x[M.key]||0))),g=Vt(c),b=x=>n+(new Date(x).getTime()-d)/p*(r-n-i),f=x=>m+(1-x/g)*(l-m-h),_=e[e.length-1],y=s+(a?` from ${$(e[0].time)} to ${$(_.time)}: `:` over the last ${Math.round(p/6e4)||"<1"} min: `)+t.map(x=>`${x.label} now ${_[x.key]||0}, peak ${Math.max(...e.map(M=>M[x.key]||0))}`).join("; "),v=[0,g/2,g],$=a||(x=>new Date(x).toLocaleTimeString([],{hour:"2-digit",minute:"2-digit",second:"2-digit"}));return o`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${l}" role="img" aria-label=${y} preserveAspectRatio="xMinYMin meet">
      ${v.map(x=>o`<g>
          <line x1=${n} x2=${r-i} y1=${f(x)} y2=${f(x)} class="grid" />
          <text x=${n-6} y=${f(x)+4} text-anchor="end" class="chart-num">${x}</text>
        </g>`)}
      <text x=${n} y=${l-h+16} class="chart-num">${$(e[0].time)}</text>
      <text x=${r-i} y=${l-h+16} text-anchor="end" class="chart-num">${$(_.time)}</text>
      ${t.map(x=>o`<polyline fill="none" stroke=${x.color} stroke-width="2.5" stroke-linejoin="round"
          points=${e.map(M=>`${b(M.time).toFixed(1)},${f(M[x.key]||0).toFixed(1)}`).join(" ")} />`)}
      <g transform=${`translate(${n},${l-10})`}>
        ${t.map((x,M)=>o`<g transform=${`translate(${M*(r>400?120:100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${x.color} /><text x="18" y="-3" class="chart-legend">${x.label}</text>
          </g>`)}
      </g>
    </svg>
  </figure>`}function Vt(e){let t=Math.pow(10,Math.floor(Math.log10(e)));for(let s of[1,2,5,10])if(s*t>=e)return s*t;return 10*t}function jt({days:e=[],valueKey:t,title:s,color:a="#1a5fb4"}){if(!e.length)return o`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No days recorded yet.</p></figure>`;let r=ce()?340:560,l=170,n=36,i=24,m=14,h=Vt(Math.max(1,...e.map(b=>b[t]||0))),d=(r-n)/Math.max(e.length,7),u=Math.max(4,Math.min(40,d*.7)),p=b=>m+(1-b/h)*(l-m-i),c=b=>new Date(b+"T12:00:00Z").toLocaleDateString([],{month:"short",day:"numeric"}),g=s+": "+e.map(b=>`${c(b.day)} ${b[t]||0}`).join(", ");return o`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${l}" role="img" aria-label=${g} preserveAspectRatio="xMinYMin meet">
      ${[0,h/2,h].filter(Number.isInteger).map(b=>o`<g><line x1=${n} x2=${r} y1=${p(b)} y2=${p(b)} class="grid" />
          <text x=${n-6} y=${p(b)+4} text-anchor="end" class="chart-num">${b}</text></g>`)}
      ${e.map((b,f)=>{let _=b[t]||0,y=n+f*d+(d-u)/2;return o`<g>
          <rect x=${y} y=${p(_)} width=${u} height=${Math.max(0,l-i-p(_))} fill=${a} />
          ${(e.length<=10||f===0||f===e.length-1)&&o`<text x=${y+u/2} y=${l-8} text-anchor="middle" class="chart-num">${c(b.day)}</text>`}
        </g>`})}
    </svg>
  </figure>`}var pe=50,Cs=[{key:"repository",label:"Image"},{key:"os",label:"OS",cls:"hide-sm"},{key:"severity",label:"Findings by severity"},{key:"fixable",label:"With a fix",cls:"num"},{key:"packages",label:"Packages",cls:"num hide-sm"},{key:"scanned_at",label:"Last scan",cls:"hide-sm"}],Es=[["","Any"],["true","Running"],["false","Not running"]],Is=[["","Any"],["not_covered","Not covered"],["covered","Covered"],["unknown","Unknown"]];function ue({sev:e={},fix:t,coverage:s,notCovered:a}){let r=D.filter(n=>e[n]>0),l=o`<${Se} coverage=${s} notCovered=${a} />`;return r.length?o`<span class="counts">${l}
    ${r.map(n=>o`<span class=${W(n)} title=${`${e[n]} ${n.toLowerCase()}`+(t?`, ${t[n]||0} with a fix`:"")}>
        <span aria-hidden="true">${n[0]}</span><span class="sr-only">${n.toLowerCase()}</span> ${e[n]}</span>`)}
  </span>`:s&&s!=="covered"?l:o`<span class="muted">none</span>`}function Bt({query:e}){let t={registry:e.registry||"",repository:e.repository||"",q:e.q||"",severity:e.severity||"",coverage:e.coverage||"",fixable:e.fixable==="true",running:e.running==="true"||e.running==="false"?e.running:"",sort:e.sort||"severity",order:e.order||"",offset:Number(e.offset)||0},s=JSON.stringify(t),{data:a,error:r,loading:l}=E(()=>w("/api/v1/console/images"+U({...t,limit:pe})),[s],1e4),[n,i]=Q(t.q),m=u=>H(["images"],{...t,offset:0,...u}),h=u=>{let p=t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(t.sort);m({sort:u,order:t.sort===u?p?"asc":"desc":""})},d=u=>t.sort!==u?void 0:(t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(u))?"descending":"ascending";return o`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${u=>{u.preventDefault(),m({q:n.trim()})}}>
      <div class="field">
        <label for="f-registry">Registry</label>
        <select id="f-registry" value=${t.registry} onChange=${u=>m({registry:u.currentTarget.value,repository:""})}>
          <option value="">All</option>
          ${(a?.registries||(t.registry?[t.registry]:[])).map(u=>o`<option value=${u}>${u}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-repo">Repository</label>
        <select id="f-repo" value=${t.repository} onChange=${u=>m({repository:u.currentTarget.value})}>
          <option value="">All</option>
          ${(a?.repositories||(t.repository?[t.repository]:[])).map(u=>o`<option value=${u}>${u}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-sev">Has severity</label>
        <select id="f-sev" value=${t.severity} onChange=${u=>m({severity:u.currentTarget.value})}>
          <option value="">Any</option>
          ${D.map(u=>o`<option value=${u}>${u[0]+u.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-cov">Coverage</label>
        <select id="f-cov" value=${t.coverage} onChange=${u=>m({coverage:u.currentTarget.value})}>
          ${Is.map(([u,p])=>o`<option value=${u}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-running">Running</label>
        <select id="f-running" value=${t.running} onChange=${u=>m({running:u.currentTarget.value})}>
          ${Es.map(([u,p])=>o`<option value=${u}>${p}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${n} onInput=${u=>i(u.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${t.fixable} onChange=${u=>m({fixable:u.currentTarget.checked})} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${S} error=${r} />
    ${!a&&!r&&o`<${I} />`}
    ${a&&o`
      <div class="summary">
        <div class="list-tools">
          <p role="status" aria-live="polite"><strong>${a.total}</strong> image${a.total===1?"":"s"}${a.not_covered>0?o`, <a href=${C(["images"],{...t,offset:0,coverage:"not_covered"})} class="nc-link"><strong>${a.not_covered}</strong> not covered</a> (their counts are incomplete)`:""}${a.running>0?o`, <a href=${C(["images"],{...t,offset:0,running:"true"})}><strong>${a.running}</strong> running</a>`:""}${l?" (refreshing\u2026)":""}</p>
          <${L} name="images" columns=${Ns} rows=${()=>As(t)} />
        </div>
        ${t.running&&a.running_containers===0&&o`<p class="warn" data-testid="no-running">No running containers are recorded: the controller watches Pods only as
          <code>scanfleet-controller --watch-pods</code>, so “not running” here means “not known to run”.</p>`}
        <${z} counts=${a.severities} fixable=${a.fixable} title="Findings in these images by severity" />
      </div>
      ${a.total===0?o`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`:o`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${t.sort}</caption>
        <thead><tr>
          ${Cs.map(u=>o`<th scope="col" class=${u.cls||""} aria-sort=${d(u.key)}>
              <button type="button" class="sort" onClick=${()=>h(u.key)}>${u.label}<span aria-hidden="true">${t.sort===u.key?d(u.key)==="descending"?" \u25BC":" \u25B2":""}</span></button></th>`)}
        </tr></thead>
        <tbody>
          ${a.items.map(u=>{let p=Object.values(u.fixable||{}).reduce((c,g)=>c+g,0);return o`<tr key=${u.registry+u.repository+u.digest}>
              <th scope="row">
                <a href=${C(["image",u.digest])}>${u.repository}:${u.tag}</a>
                ${u.running&&o` <a class="badge running" href=${C(["workloads"],{})} title="A running container uses this image">running</a>`}
                ${(u.tags||[]).filter(c=>c!==u.tag).length>0&&o`<div class="small">also ${(u.tags||[]).filter(c=>c!==u.tag).map(c=>":"+c).join(", ")}</div>`}
                <div class="small muted mono hide-sm">${u.registry} · ${O(u.digest)}</div>
              </th>
              <td class="hide-sm">${u.os||o`<span class="muted">unknown</span>`}</td>
              <td><${ue} sev=${u.severities} fix=${u.fixable} coverage=${u.coverage} notCovered=${u.not_covered} /></td>
              <td class="num">${p} / ${u.vulnerabilities}${u.coverage==="not_covered"?o`<span title="not covered: incomplete"> *</span>`:""}</td>
              <td class="num hide-sm">${u.packages}</td>
              <td class="hide-sm" title=${u.scanned_at}>${T(u.scanned_at)}</td>
            </tr>`})}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${t.offset===0} onClick=${()=>m({offset:Math.max(0,t.offset-pe)})}>Previous</button>
        <span>${t.offset+1}–${Math.min(a.total,t.offset+pe)} of ${a.total}</span>
        <button type="button" disabled=${t.offset+pe>=a.total} onClick=${()=>m({offset:t.offset+pe})}>Next</button>
      </nav>`}
    `}`}var Ns=[["registry",e=>e.registry],["repository",e=>e.repository],["tags",e=>(e.tags&&e.tags.length?e.tags:[e.tag]).join(" ")],["digest",e=>e.digest],["os",e=>e.os],["coverage",e=>e.coverage],["not_covered",e=>(e.not_covered||[]).join(" ")],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...D.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>Object.values(e.fixable||{}).reduce((t,s)=>t+s,0)],["scanned_at",e=>e.scanned_at],["running",e=>!!e.running]];async function As(e){let t=[];for(let s=0;;s+=500){let a=await w("/api/v1/console/images"+U({...e,offset:s,limit:500}));if(t.push(...a.items),s+500>=a.total)return t}}var ee=[["findings","Findings"],["layers","Layers"],["packages","Packages"]],Ls=[["json","JSON"],["sarif","SARIF"],["cyclonedx","CycloneDX"],["spdx","SPDX"]];function Ts(e){let s=(e.references||[]).find(a=>/^https:\/\//.test(a));return s||(/^CVE-/.test(e.id)?"https://nvd.nist.gov/vuln/detail/"+e.id:/^GHSA-/.test(e.id)?"https://github.com/advisories/"+e.id:/^GO-/.test(e.id)?"https://pkg.go.dev/vuln/"+e.id:"https://osv.dev/vulnerability/"+e.id)}var Ht=50;function Ge({kev:e}){return e?o`<span class="badge kev" title=${"In CISA's Known Exploited Vulnerabilities catalog since "+e.date_added+(e.due_date?", remediation due "+e.due_date:"")+(e.known_ransomware_use?"; used by ransomware":"")}>KEV</span>`:null}function Ke({epss:e}){if(!e)return null;let t=(e.score*100).toFixed(e.score<.1?1:0);return o`<span class="badge epss" title=${`EPSS ${t}% probability of exploitation in the next 30 days (percentile ${Math.round(e.percentile*100)}, ${e.date})`}>EPSS ${t}%</span>`}function ze({cvss:e}){return!e||!e.length?o`<span class="muted">none given</span>`:o`<ul class="refs">${e.map(t=>o`<li><strong>${t.score.toFixed(1)}</strong> CVSS ${t.version}${t.source?" ("+t.source+")":""} <span class="mono small">${t.vector}</span></li>`)}</ul>`}function Je({refs:e}){return!e||!e.length?o`<span class="muted">none</span>`:o`<ul class="refs">${e.map(t=>/^https?:\/\//i.test(t)?o`<li><a href=${t} target="_blank" rel="noopener noreferrer">${t}</a></li>`:o`<li>${t}</li>`)}</ul>`}function Ps({v:e}){return o`<div class="detail-body">
    ${e.title&&o`<strong>${e.title}</strong>`}
    ${e.description?o`<p class="description">${e.description}</p>`:o`<p class="muted">The advisory has no description.</p>`}
    <dl>
      <dt>Severity</dt><dd>${e.severity||"UNKNOWN"}${e.severity_source?" (from "+e.severity_source+")":""}${e.vendor_severity?", vendor: "+e.vendor_severity:""}</dd>
      <dt>CVSS</dt><dd><${ze} cvss=${e.cvss} /></dd>
      ${e.kev&&o`<dt>Known exploited</dt><dd>in CISA KEV since ${e.kev.date_added}${e.kev.due_date?", due "+e.kev.due_date:""}${e.kev.known_ransomware_use?"; used by ransomware":""}</dd>`}
      ${e.epss&&o`<dt>EPSS</dt><dd>${(e.epss.score*100).toFixed(2)}% (percentile ${Math.round(e.epss.percentile*100)}, ${e.epss.date})</dd>`}
      ${e.package_path&&o`<dt>Found in</dt><dd class="mono small">${e.package_path}</dd>`}
      <dt>Source</dt><dd>${e.source||"unknown"}</dd>
      <dt>References</dt><dd><${Je} refs=${e.references} /></dd>
    </dl>
  </div>`}var Rs=[["id",e=>e.id],["aliases",e=>e.aliases||[]],["severity",e=>e.severity],["severity_source",e=>e.severity_source],["title",e=>e.title],["package",e=>e.package],["package_type",e=>e.package_type],["package_path",e=>e.package_path],["installed_version",e=>e.installed_version],["fixed_version",e=>e.fixed_version],["cvss",e=>(e.cvss||[]).map(t=>t.score+" "+t.vector).join(" ")],["kev",e=>e.kev?e.kev.date_added:""],["epss",e=>e.epss?e.epss.score:""],["layer",e=>e.layer]];function Ye({rep:e,name:t}){let[s,a]=k(""),[r,l]=k(""),[n,i]=k(!1),[m,h]=k(!1),[d,u]=k(0),[p,c]=k({}),g=e.vulnerabilities||[],b=le(()=>{let v=s.trim().toLowerCase();return g.filter($=>(!r||($.severity||"").toUpperCase()===r)&&(!n||$.fixed_version)&&(!m||$.kev)&&(!v||($.id+" "+($.aliases||[]).join(" ")+" "+$.package+" "+($.title||"")).toLowerCase().includes(v))).sort(($,x)=>D.indexOf(($.severity||"UNKNOWN").toUpperCase())-D.indexOf((x.severity||"UNKNOWN").toUpperCase())||(x.kev?1:0)-($.kev?1:0)||$.id.localeCompare(x.id))},[g,s,r,n,m]),f=v=>$=>{v($),u(0)},_=b.slice(d,d+Ht),y=g.some(v=>v.kev);return o`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${v=>v.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE, package or title" value=${s} onInput=${v=>f(a)(v.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${r} onChange=${v=>f(l)(v.currentTarget.value)}>
          <option value="">Any</option>
          ${D.map(v=>o`<option value=${v}>${v[0]+v.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${n} onChange=${v=>f(i)(v.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
      ${y&&o`<div class="field check">
        <input id="v-kev" type="checkbox" checked=${m} onChange=${v=>f(h)(v.currentTarget.checked)} />
        <label for="v-kev">Only known exploited</label>
      </div>`}
    </form>
    <div class="list-tools">
      <p role="status" class="muted" id="findings-count">${b.length} of ${g.length} findings</p>
      <${L} name=${t+"-findings"} columns=${Rs} rows=${()=>b} />
    </div>
    ${b.length>0&&o`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${_.map((v,$)=>{let x=v.id+"|"+v.package+"|"+v.installed_version+"|"+(v.package_path||"")+"|"+(d+$),M=!!p[x];return o`<tr key=${x}>
            <td><span class=${W((v.severity||"").toUpperCase())}>${v.severity||"UNKNOWN"}</span>
              ${v.severity_source&&o`<div class="small muted">${v.severity_source}</div>`}</td>
            <th scope="row">
              <a href=${C(["vulnerabilities",v.id])}>${v.id}</a>
              <a class="ext" href=${Ts(v)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for "+v.id+" (opens a new tab)"}>↗</a>
              <${Ge} kev=${v.kev} /><${Ke} epss=${v.epss} />
              ${v.title&&o`<div class="title-line" title=${v.title}>${v.title}</div>`}
              ${(v.aliases||[]).length>0&&o`<div class="small muted">${v.aliases.join(", ")}</div>`}
            </th>
            <td>${v.package}${v.package_type&&o` <span class="muted small">${v.package_type}</span>`}</td>
            <td class="mono small">${v.installed_version} → ${v.fixed_version?o`<strong>${v.fixed_version}</strong>`:o`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${v.layer?o`<span class="mono">${O(v.layer)}</span>`:""}
              ${v.layer_created_by&&o`<div class="created-by" title=${v.layer_created_by}>${v.layer_created_by}</div>`}</td>
            <td><button type="button" class="small" aria-expanded=${M?"true":"false"} aria-controls=${"d-"+(d+$)}
              aria-label=${(M?"Hide details of ":"Show details of ")+v.id+" in "+v.package}
              onClick=${()=>c({...p,[x]:!M})}>${M?"Hide":"Details"}</button></td>
          </tr>
          ${M&&o`<tr class="detail" key=${x+"-d"} id=${"d-"+(d+$)}><td colspan="6"><${Ps} v=${v} /></td></tr>`}`})}
      </tbody>
    </table></div>
    <${V} offset=${d} size=${Ht} total=${b.length} onGo=${u} label="Pages of findings" />`}`}function Ds({rep:e}){let t=e.image?.layers||[],s=l=>{let n={};for(let i of l||[])n[i.layer]=(n[i.layer]||0)+1;return n},a=s(e.packages),r=s(e.vulnerabilities);return t.length?o`<ol class="layers">
    ${t.map((l,n)=>o`<li key=${l.digest} class="card">
        <div class="layer-head"><strong>Layer ${n+1}</strong> <span class="mono small">${O(l.digest)}</span>
          <span class="muted small">${Dt(l.size)}</span></div>
        <pre class="created-by-full">${l.created_by||"(no history entry)"}</pre>
        <p class="small">${a[l.digest]||0} packages introduced · ${r[l.digest]||0} findings</p>
      </li>`)}
  </ol>`:o`<p class="empty">This report lists no layers.</p>`}var Os=[["name",e=>e.name],["version",e=>e.version],["type",e=>e.type],["path",e=>e.path],["layer",e=>e.layer],["purl",e=>e.purl]];function Xe({rep:e,name:t}){let[s,a]=k(""),[r,l]=k(200),n=e.packages||[],i=s.trim().toLowerCase(),m=n.filter(h=>!i||(h.name+" "+h.version+" "+h.type).toLowerCase().includes(i));return o`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${h=>h.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${s} onInput=${h=>a(h.currentTarget.value)} />
      </div>
    </form>
    <div class="list-tools">
      <p role="status" class="muted">${m.length} of ${n.length} packages</p>
      <${L} name=${t+"-packages"} columns=${Os} rows=${()=>m} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${m.slice(0,r).map((h,d)=>o`<tr key=${d}>
            <th scope="row">${h.name}</th><td class="mono small">${h.version}</td><td>${h.type}</td>
            <td class="hide-sm small mono">${h.path}</td><td class="hide-sm small mono">${O(h.layer)}</td>
          </tr>`)}
      </tbody>
    </table></div>
    ${m.length>r&&o`<button type="button" onClick=${()=>l(r+500)}>Show more (${m.length-r} left)</button>`}`}function Wt({digest:e,query:t}){let{data:s,error:a}=E(()=>w("/api/v1/images/"+encodeURIComponent(e)),[e]),{data:r}=E(()=>w("/api/v1/console/images"+U({q:e,limit:20,sort:"reference"})).then(_=>_.items.filter(y=>y.digest===e)),[e]),[l,n]=k(t.tab||"findings"),[i,m]=k(null),h=le(()=>{let _={},y={};for(let v of s?.vulnerabilities||[]){let $=(v.severity||"UNKNOWN").toUpperCase();_[$]=(_[$]||0)+1,v.fixed_version&&(y[$]=(y[$]||0)+1)}return{c:_,f:y}},[s]);if(a)return o`<h1>Image</h1><${S} error=${a} />`;let d=(r||[]).flatMap(_=>(_.tags&&_.tags.length?_.tags:[_.tag]).map(y=>_.registry+"/"+_.repository+":"+y)),u=r&&r.length?r[0].repository+":"+r[0].tag:s&&s.image?.reference||e,p=(r&&r.length?r[0].repository+"-"+r[0].tag:O(e)).replace(/[^A-Za-z0-9._-]+/g,"_");if(!s)return o`<h1>Image</h1><${I} />`;let c=s.image||{},g=s.os?s.os.pretty_name||s.os.id+" "+(s.os.version_id||""):"unknown",b=(s.coverage||[]).filter(_=>!_.covered),f=_=>{let y=ee.findIndex(([$])=>$===l),v=-1;_.key==="ArrowRight"&&(v=(y+1)%ee.length),_.key==="ArrowLeft"&&(v=(y+ee.length-1)%ee.length),v>=0&&(_.preventDefault(),n(ee[v][0]),document.getElementById("tab-"+ee[v][0]).focus())};return o`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${u}</h1>
    ${d.length>0&&o`<p class="muted small" id="image-tags">${d.join(", ")}</p>`}
    <p class="mono small break">${c.digest||e}</p>
    <dl class="facts">
      <div><dt>OS</dt><dd>${g}</dd></div>
      ${c.platform&&o`<div><dt>Platform</dt><dd>${c.platform}</dd></div>`}
      <div><dt>Scanned</dt><dd>${A(s.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(s.packages||[]).length}</dd></div>
      <div><dt>Findings</dt><dd>${(s.vulnerabilities||[]).length}</dd></div>
      ${s.db&&o`<div><dt>Database</dt><dd><span class="mono small">${O(s.db.digest)}</span><div class="small muted">built ${A(s.db.built_at)}</div></dd></div>`}
    </dl>
    ${b.length>0&&o`<p class="warn" role="note">Not covered by the database: ${b.map(_=>_.ecosystem+" ("+_.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    <div class="downloads" role="group" aria-label="Download the report">
      <span>Download report:</span>
      ${Ls.map(([_,y])=>o`<button type="button" class="small" onClick=${()=>{m(null),At(`/api/v1/images/${encodeURIComponent(e)}/report?format=${_}`,"report."+_).catch(m)}}>${y}</button>`)}
    </div>
    <${S} error=${i} />
    <${z} counts=${h.c} fixable=${h.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${f}>
      ${ee.map(([_,y])=>o`<button type="button" role="tab" id=${"tab-"+_} aria-controls=${"panel-"+_}
          aria-selected=${l===_?"true":"false"} tabindex=${l===_?0:-1} onClick=${()=>n(_)}>${y}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+l} aria-labelledby=${"tab-"+l} class="panel">
      ${l==="findings"&&o`<${Ye} rep=${s} name=${p} />`}
      ${l==="layers"&&o`<${Ds} rep=${s} />`}
      ${l==="packages"&&o`<${Xe} rep=${s} name=${p} />`}
    </section>`}var qt=50;function Ms({id:e,role:t}){let{data:s,error:a}=E(()=>w("/api/v1/vulnerabilities/"+encodeURIComponent(e)),[e]),[r,l]=k(0);return a?o`<h1 class="break">${e}</h1>
      ${a.status===404?o`<p class="empty">No scanned image has ${e}.</p>`:o`<${S} error=${a} />`}`:s?o`
    <h1 class="break">${s.id} <span class=${W(s.severity)}>${s.severity}</span><${Ge} kev=${s.kev} /><${Ke} epss=${s.epss} /></h1>
    ${s.title&&o`<p class="vuln-title"><strong>${s.title}</strong></p>`}
    ${s.aliases.length>0&&o`<p>Also known as ${s.aliases.join(", ")}</p>`}
    ${s.description&&o`<p class="description">${s.description}</p>`}
    <dl class="facts vuln-facts">
      <div><dt>Severity</dt><dd>${s.severity}${s.severity_source?" (from "+s.severity_source+")":""}</dd></div>
      ${s.cvss&&s.cvss.length>0&&o`<div class="wide-fact"><dt>CVSS</dt><dd><${ze} cvss=${s.cvss} /></dd></div>`}
      ${s.kev&&o`<div><dt>Known exploited</dt><dd>CISA KEV since ${s.kev.date_added}${s.kev.due_date?", due "+s.kev.due_date:""}</dd></div>`}
      ${s.epss&&o`<div><dt>EPSS</dt><dd>${(s.epss.score*100).toFixed(2)}% (percentile ${Math.round(s.epss.percentile*100)})</dd></div>`}
    </dl>
    ${s.references.length>0&&o`<details open=${s.references.length<=5}><summary>References (${s.references.length})</summary><${Je} refs=${s.references} /></details>`}
    <p class="downloads">
      <a href=${C(["workloads"],{cve:s.id})}>Running workloads carrying ${s.id}</a>
      ${t==="admin"&&o` · <a href=${C(["exceptions"],{new:s.id})} data-testid="except-link">Add an exception for ${s.id}…</a>`}
    </p>
    <div class="list-tools">
      <h2>${s.images.length} affected image${s.images.length===1?"":"s"}</h2>
      <${L} name=${s.id+"-images"} columns=${Us} rows=${()=>s.images.flatMap(n=>n.findings.map(i=>({im:n,f:i})))} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${s.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${s.images.slice(r,r+qt).map(n=>n.findings.map((i,m)=>o`<tr key=${n.digest+m}>
              ${m===0&&o`<th scope="row" rowspan=${n.findings.length}>
                <a href=${C(["image",n.digest])}>${n.repository}:${n.tag}</a>
                ${(n.tags||[]).filter(h=>h!==n.tag).length>0&&o`<div class="small">also ${(n.tags||[]).filter(h=>h!==n.tag).map(h=>":"+h).join(", ")}</div>`}
                <div class="small muted mono">${n.registry} · ${O(n.digest)}</div>
              </th>`}
              <td>${i.package}</td>
              <td class="mono small">${i.installed_version} → ${i.fixed_version?o`<strong>${i.fixed_version}</strong>`:o`<span class="nofix">no fix</span>`}</td>
              ${m===0&&o`<td class="hide-sm" rowspan=${n.findings.length}>${T(n.scanned_at)}</td>`}
            </tr>`))}
      </tbody>
    </table></div>
    <${V} offset=${r} size=${qt} total=${s.images.length} onGo=${l} label="Pages of affected images" />`:o`<h1 class="break">${e}</h1><${I} />`}var Us=[["registry",e=>e.im.registry],["repository",e=>e.im.repository],["tags",e=>e.im.tags&&e.im.tags.length?e.im.tags:[e.im.tag]],["digest",e=>e.im.digest],["package",e=>e.f.package],["installed_version",e=>e.f.installed_version],["fixed_version",e=>e.f.fixed_version],["scanned_at",e=>e.im.scanned_at]],Fs=[["id",e=>e.id],["worst_severity",e=>e.severity],["images",e=>e.images]];function Gt({id:e,query:t,role:s}){let[a,r]=Q(t.q||e||""),l=t.q||"",{data:n,error:i}=E(()=>e?Promise.resolve(null):w("/api/v1/vulnerabilities"+U({q:l,limit:100})),[l,e]);async function m(h){h.preventDefault();let d=a.trim();if(/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(d))try{let p=(await w("/api/v1/vulnerabilities"+U({q:d,limit:5}))).find(c=>c.id.toLowerCase()===d.toLowerCase());if(p)return H(["vulnerabilities",p.id])}catch{}H(["vulnerabilities"],{q:d})}return o`
    ${e?o`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`:o`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${m}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${a} onInput=${h=>r(h.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${e?o`<${Ms} key=${e} id=${e} role=${s} />`:o`
        <${S} error=${i} />
        ${!n&&!i&&o`<${I} />`}
        ${n&&n.length===0&&o`<p class="empty">${l?"No scanned image has a vulnerability matching \u201C"+l+"\u201D.":"No findings stored yet."}</p>`}
        ${n&&n.length>0&&o`<div class="list-tools"><h2>${l?"Matching vulnerabilities":"Most widespread vulnerabilities"}</h2>
          <${L} name="vulnerabilities" columns=${Fs} rows=${()=>w("/api/v1/vulnerabilities"+U({q:l,limit:1e3}))} /></div>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${n.map(h=>o`<tr key=${h.id}><th scope="row"><a href=${C(["vulnerabilities",h.id])}>${h.id}</a></th>
              <td><span class=${W(h.severity)}>${h.severity}</span></td><td class="num">${h.images}</td></tr>`)}</tbody>
        </table></div>`}`}`}var Vs=[["id",e=>e.id],["name",e=>e.name],["state",e=>e.state],["version",e=>e.version],["concurrency",e=>e.concurrency],["current_images",e=>e.current_images||[]],["done",e=>e.done],["failed",e=>e.failed],["db_digest",e=>e.db_digest],["last_seen",e=>e.last_seen]];function js(e){let t=(new Date(e.last_seen)-new Date(e.registered_at))/6e4;return!(t>.05)||!e.done?"\u2014":(e.done/t).toFixed(1)+"/min"}function Bs({cfg:e,onSaved:t}){let[s,a]=k({...e}),[r,l]=k(null);async function n(i){i.preventDefault(),l(null);try{await w("/api/v1/autoscaler",{method:"PUT",body:{strategy:s.strategy,minScannerPods:Number(s.minScannerPods),maxScannerPods:Number(s.maxScannerPods)}}),t()}catch(m){l(m)}}return o`<form class="inline-form" onSubmit=${n} aria-label="Auto-scaler settings">
    <div class="field">
      <label for="as-strategy">Strategy</label>
      <select id="as-strategy" value=${s.strategy} onChange=${i=>a({...s,strategy:i.currentTarget.value})}>
        <option value="delayed">Delayed</option><option value="immediate">Immediate</option><option value="disabled">Disabled</option>
      </select>
    </div>
    <div class="field"><label for="as-min">Min scanners</label>
      <input id="as-min" type="number" min="0" value=${s.minScannerPods} onInput=${i=>a({...s,minScannerPods:i.currentTarget.value})} /></div>
    <div class="field"><label for="as-max">Max scanners</label>
      <input id="as-max" type="number" min="0" value=${s.maxScannerPods} onInput=${i=>a({...s,maxScannerPods:i.currentTarget.value})} /></div>
    <button type="submit" class="primary">Apply</button>
    <${S} error=${r} />
  </form>`}function Kt({role:e}){let t=E(()=>w("/api/v1/scanners"),[],3e3),s=E(()=>w("/api/v1/queue/history"),[],5e3),a=E(()=>w("/api/v1/autoscaler"),[],5e3),r=(t.data||[]).slice().sort((i,m)=>(i.state==="active"?0:1)-(m.state==="active"?0:1)),l=s.data?.samples||[],n=l[l.length-1];return o`
    <div class="page-head"><h1>Scanners</h1></div>
    ${n&&o`<ul class="stats" aria-label="Queue now">
      <li><strong>${n.queued}</strong> waiting</li><li><strong>${n.leased}</strong> scanning</li>
      <li><strong>${n.done}</strong> done</li><li><strong>${n.failed}</strong> failed</li>
      <li><strong>${n.scanners}</strong> active scanners</li>
    </ul>`}
    <${S} error=${s.error} />
    <${Ce} samples=${l} title="Queue length"
      series=${[{key:"queued",label:"waiting",color:"#d2461c"},{key:"leased",label:"scanning",color:"#2f6db3"},{key:"scanners",label:"scanners",color:"#2e7d32"}]} />
    <div class="list-tools"><h2>Scanners</h2>${r.length>0&&o`<${L} name="scanners" columns=${Vs} rows=${()=>r} />`}</div>
    <${S} error=${t.error} />
    ${!t.data&&!t.error&&o`<${I} />`}
    ${t.data&&r.length===0&&o`<p class="empty">No scanner has registered. Start one with <code>scanfleet scanner --controller URL --token TOKEN</code>, or let the auto-scaler start them.</p>`}
    ${r.length>0&&o`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registered scanners</caption>
      <thead><tr><th scope="col">Scanner</th><th scope="col">State</th><th scope="col">Current images</th>
        <th scope="col" class="num">Done / failed</th><th scope="col" class="num">Throughput</th><th scope="col" class="hide-sm">Database</th><th scope="col" class="hide-sm">Last seen</th></tr></thead>
      <tbody>${r.map(i=>o`<tr key=${i.id}>
          <th scope="row">${i.name||i.id}<div class="small muted mono">${i.id} · v${i.version} · ×${i.concurrency}</div></th>
          <td><span class=${"state-badge "+i.state}>${i.state}</span></td>
          <td class="small mono">${(i.current_images||[]).length?i.current_images.map(m=>o`<div class="break">${m}</div>`):o`<span class="muted">idle</span>`}</td>
          <td class="num">${i.done} / ${i.failed}</td>
          <td class="num">${js(i)}</td>
          <td class="hide-sm mono small">${i.db_digest?O(i.db_digest):o`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${A(i.last_seen)}>${T(i.last_seen)}</td>
        </tr>`)}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${S} error=${a.error} />
    ${a.data&&(a.data.enabled?o`<p>Strategy <strong>${a.data.config.strategy}</strong>, ${a.data.config.minScannerPods}–${a.data.config.maxScannerPods} scanners${a.data.replicas!==void 0?o`, <strong>${a.data.replicas}</strong> wanted now`:""}.</p>
        ${e==="admin"&&o`<${Bs} key=${JSON.stringify(a.data.config)} cfg=${a.data.config} onSaved=${a.reload} />`}
        <h3>Events</h3>
        ${a.data.events.length===0?o`<p class="empty">No scaling events yet.</p>`:o`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${a.data.events.slice().reverse().map((i,m)=>o`<tr key=${m}><td title=${A(i.time)}>${T(i.time)}</td><td>${i.kind}</td><td>${i.from} → ${i.to}</td>
              <td class="num">${i.taskCount}</td><td class="hide-sm small">${i.reason}</td></tr>`)}</tbody></table></div>`}`:o`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`}var Hs=[["name",e=>e.name],["action",e=>e.action],["disabled",e=>!!e.disabled],["mode",e=>e.mode],["criteria",e=>zt(e.criteria)],["comment",e=>e.comment]],Ws=[["at",e=>e.d.at],["kind",e=>e.d.kind],["namespace",e=>e.d.namespace],["name",e=>e.d.name],["operation",e=>e.d.operation],["user",e=>e.d.user],["result",e=>e.d.result],["image",e=>e.im?.image],["digest",e=>e.im?.digest],["verdict",e=>e.im?.verdict?.action],["rule",e=>e.im?.verdict?.rule],["reason",e=>e.im?.verdict?.reason]];async function Ze(e){try{return{value:await w(e)}}catch(t){if(t instanceof se&&t.status===404)return{absent:!0};throw t}}function zt(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!=null&&t!==""&&t!==!1&&!(Array.isArray(t)&&t.length===0)).map(([t,s])=>{let a=t.replace(/_/g," ");return s===!0?a:Array.isArray(s)?a+": "+s.join(", "):typeof s=="object"?a+": "+Object.entries(s).map(([r,l])=>r+"="+l).join(", "):a+": "+s}).join("; ")}function qs(e){return e==="denied"?"result deny":e==="would_deny"?"result warn-result":"result allow"}function Jt(){return o`<div class="page-head"><h1>Admission</h1></div>
    <p class="empty" data-testid="no-admission">This controller does not serve Kubernetes admission reviews: it is the
      <code>scanfleet</code> binary, which answers <code>/admission</code> with 501. Run <code>scanfleet-controller controller</code>
      (the same controller with the Kubernetes integration) to judge workloads with admission rules.</p>`}function Yt(){let e=E(()=>Ze("/api/v1/admission/settings"),[],0),t=E(()=>Ze("/api/v1/admission/rules"),[],0),s=E(()=>Ze("/api/v1/admission/decisions?limit=50"),[],5e3),a=t.data?.absent&&s.data?.absent,r=t.data?.value||[],l=s.data?.value||[],n=e.data?.value;return o`
    <div class="page-head"><h1>Admission</h1></div>
    ${a&&o`<p class="empty">Admission control is not available on this controller. When it is, its rules and the latest
      allow/deny decisions for Kubernetes workloads appear here.</p>`}
    ${!a&&o`
      ${n&&o`<p>Mode <strong>${n.mode}</strong> (${n.mode==="protect"?"deny rules refuse workloads":"deny rules only warn and record"});
        images without a scan result: <strong>${n.no_result}</strong>.</p>`}
      <div class="list-tools"><h2>Rules</h2>${r.length>0&&o`<${L} name="admission-rules" columns=${Hs} rows=${()=>r} />`}</div>
      <${S} error=${t.error} />
      ${!t.data&&!t.error&&o`<${I} />`}
      ${t.data&&(r.length===0?o`<p class="empty">No admission rules: every image is allowed${n&&n.no_result==="deny"?", except those without a scan result":""}.</p>`:o`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Admission rules, in the order they are evaluated</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Matches</th><th scope="col" class="hide-sm">Mode</th></tr></thead>
          <tbody>${r.map(i=>o`<tr key=${i.name} class=${i.disabled?"disabled":""}>
              <th scope="row">${i.name}${i.disabled&&o` <span class="muted small">(disabled)</span>`}
                ${i.comment&&o`<div class="small muted">${i.comment}</div>`}</th>
              <td><span class=${i.action==="deny"?"result deny":"result allow"}>${i.action}</span></td>
              <td class="small">${zt(i.criteria)}</td>
              <td class="hide-sm">${i.mode||(n?n.mode+" (global)":"global")}</td>
            </tr>`)}</tbody></table></div>`)}
      <div class="list-tools"><h2>Recent decisions</h2>${l.length>0&&o`<${L} name="admission-decisions" columns=${Ws}
          rows=${async()=>(await w("/api/v1/admission/decisions?limit=1000")).flatMap(m=>(m.images||[]).length?m.images.map(h=>({d:m,im:h})):[{d:m}])} />`}</div>
      <${S} error=${s.error} />
      ${!s.data&&!s.error&&o`<${I} />`}
      ${s.data&&(l.length===0?o`<p class="empty">No decisions yet.</p>`:o`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${l.map(i=>o`<tr key=${i.id}>
              <td title=${A(i.at)}>${T(i.at)}</td>
              <th scope="row">${i.kind} ${i.namespace}/${i.name}<div class="small muted">${i.operation} by ${i.user}${i.dry_run?" (dry run)":""}</div></th>
              <td><span class=${qs(i.result)}>${(i.result||"").replace("_"," ")}</span></td>
              <td class="small">${(i.images||[]).map(m=>o`<div class="break"><span class="mono">${m.image}</span>: ${m.verdict?.action||"?"}${m.verdict?.rule?" by "+m.verdict.rule:""}
                  ${m.verdict?.reason&&o`<span class="muted"> — ${m.verdict.reason}</span>`}</div>`)}</td>
              <td class="hide-sm small">${i.message}</td>
            </tr>`)}</tbody></table></div>`)}`}`}var me=e=>Object.values(e||{}).reduce((t,s)=>t+s,0),Gs=[["registry",e=>e.registry],["repository",e=>e.repository],["tag",e=>e.tag],["digest",e=>e.digest],["not_covered",e=>e.not_covered],["packages",e=>e.packages]],Ks=[["id",e=>e.id],["severity",e=>e.severity],["images",e=>e.images],["packages",e=>e.packages]],zs=[["day",e=>e.day],["images",e=>e.images],["not_covered",e=>e.not_covered],["scans",e=>e.scans],...D.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>me(e.fixable)]];function Xt(){let{data:e,error:t}=E(()=>w("/api/v1/console/overview"),[],15e3);if(t&&!e)return o`<div class="page-head"><h1>Overview</h1></div><${S} error=${t} />`;if(!e)return o`<div class="page-head"><h1>Overview</h1></div><${I} />`;let s=me(e.severities),a=me(e.fixable),r=e.days.map(n=>({time:n.day+"T12:00:00Z",scans:n.scans,not_covered:n.not_covered,...Object.fromEntries(D.map(i=>[i,(n.severities||{})[i]||0]))})),l=n=>new Date(n).toLocaleDateString([],{month:"short",day:"numeric"});return o`
    <div class="page-head"><h1>Overview</h1></div>
    <${S} error=${t} />
    <ul class="tiles" aria-label="Fleet totals">
      <li class="tile"><a href="#/images"><span class="n">${e.images}</span></a><span class="l">images scanned</span></li>
      <li class="tile"><a href="#/hosts"><span class="n">${e.hosts}</span></a><span class="l">hosts scanned</span></li>
      <li class="tile"><span class="n">${s}</span><span class="l">findings, ${a} with a fix</span></li>
      <li class=${"tile"+(e.not_covered?" alert":"")}><a href=${C(["images"],{coverage:"not_covered"})}><span class="n" data-testid="not-covered">${e.not_covered}</span></a>
        <span class="l">images not covered by the database: their counts are incomplete</span></li>
      ${e.coverage_unknown>0&&o`<li class="tile"><a href=${C(["images"],{coverage:"unknown"})}><span class="n">${e.coverage_unknown}</span></a><span class="l">images whose coverage is unknown</span></li>`}
    </ul>
    <div class="two-col">
      <${z} counts=${e.severities} fixable=${e.fixable} title="Findings in all images by severity" />
      <${jt} days=${e.days} valueKey="scans" title="Scans per day" />
    </div>
    <${Ce} samples=${r} title="Findings by severity, per day" timeFmt=${l}
      series=${D.filter(n=>r.some(i=>i[n]>0)).map(n=>({key:n,label:n.toLowerCase(),color:de(n)}))} />
    ${r.length<2&&o`<p class="hint">Trends start with the day this controller first recorded its totals; come back tomorrow.</p>`}

    <div class="list-tools"><h2>Most widespread fixable findings</h2>
      <${L} name="fixable-findings" columns=${Ks} rows=${()=>e.top_fixable} /></div>
    ${e.top_fixable.length===0?o`<p class="empty">No finding with a fixed version.</p>`:o`<div class="table-wrap"><table class="data top-fixable">
      <caption class="sr-only">Vulnerabilities with a fix, by how many images carry them</caption>
      <thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col" class="num">Images</th><th scope="col">Packages</th></tr></thead>
      <tbody>${e.top_fixable.map(n=>o`<tr key=${n.id}><th scope="row"><a href=${C(["vulnerabilities",n.id])}>${n.id}</a></th>
          <td><span class=${W(n.severity)}>${n.severity}</span></td><td class="num">${n.images}</td><td>${n.packages.join(", ")}</td></tr>`)}</tbody></table></div>`}

    <div class="list-tools"><h2>Images not covered by the database</h2>
      <${L} name="not-covered-images" columns=${Gs} rows=${()=>e.uncovered} /></div>
    ${e.uncovered.length===0?o`<p class="empty">The database covers every scanned image's OS and ecosystems.</p>`:o`<div class="table-wrap"><table class="data uncovered">
      <caption class="sr-only">Images whose OS release or ecosystems the database has no data for</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">No data for</th><th scope="col" class="num">Packages</th></tr></thead>
      <tbody>${e.uncovered.map(n=>o`<tr key=${n.registry+n.repository+n.digest}><th scope="row"><a href=${C(["image",n.digest])}>${n.repository}:${n.tag}</a>
          <div class="small muted mono">${n.registry} · ${O(n.digest)}</div></th>
          <td><span class="nc-badge">${n.not_covered.join(", ")}</span></td><td class="num">${n.packages}</td></tr>`)}</tbody></table></div>`}
    <div class="list-tools"><h2>Daily totals</h2><${L} name="daily-totals" columns=${zs} rows=${()=>e.days} /></div>
    <div class="table-wrap"><table class="data days">
      <caption class="sr-only">Totals per day, newest first</caption>
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">Scans</th><th scope="col" class="num">Images</th>
        <th scope="col" class="num">Not covered</th><th scope="col" class="num">Findings</th><th scope="col" class="num hide-sm">With a fix</th></tr></thead>
      <tbody>${[...e.days].reverse().map(n=>o`<tr key=${n.day}><th scope="row">${n.day}</th><td class="num">${n.scans}</td><td class="num">${n.images}</td>
          <td class="num">${n.not_covered}</td><td class="num">${me(n.severities)}</td><td class="num hide-sm">${me(n.fixable)}</td></tr>`)}</tbody></table></div>`}var Js=[["name",e=>e.name],["hostname",e=>e.hostname],["os",e=>e.os],["kernel",e=>e.kernel],["root",e=>e.root],["coverage",e=>e.coverage],["not_covered",e=>e.not_covered||[]],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...D.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["scanned_by",e=>e.scanned_by],["scanned_at",e=>e.scanned_at]];function Zt(){let{data:e,error:t}=E(()=>w("/api/v1/console/hosts"),[],15e3);return o`
    <div class="page-head"><h1>Hosts</h1></div>
    <${S} error=${t} />
    ${!e&&!t&&o`<${I} />`}
    ${e&&(e.length===0?o`<p class="empty">No host has sent a scan yet. Run <code>scanfleet host --controller URL</code> on a machine (or in a container with <code>--root /proc/1/root</code>).</p>`:o`
      <div class="list-tools"><p role="status"><strong>${e.length}</strong> host${e.length===1?"":"s"}${e.some(s=>s.coverage==="not_covered")?o`, <strong>${e.filter(s=>s.coverage==="not_covered").length}</strong> not covered`:""}</p><${L} name="hosts" columns=${Js} rows=${()=>e} /></div>
      <div class="table-wrap"><table class="data hosts">
        <caption class="sr-only">Scanned hosts</caption>
        <thead><tr><th scope="col">Host</th><th scope="col" class="hide-sm">OS · kernel</th><th scope="col">Findings by severity</th>
          <th scope="col" class="num hide-sm">Packages</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
        <tbody>${e.map(s=>o`<tr key=${s.name}>
            <th scope="row"><a href=${C(["host",s.name])}>${s.name}</a>
              ${s.hostname!==s.name&&o`<div class="small muted">${s.hostname}</div>`}
              <div class="small muted mono">${s.root}</div></th>
            <td class="hide-sm">${s.os||o`<span class="muted">unknown</span>`}${s.kernel&&o`<div class="small muted">kernel ${s.kernel}</div>`}</td>
            <td><${ue} sev=${s.severities} coverage=${s.coverage} notCovered=${s.not_covered} /></td>
            <td class="num hide-sm">${s.packages}</td>
            <td class="hide-sm" title=${s.scanned_at}>${T(s.scanned_at)}<div class="small muted">${s.scanned_by}</div></td>
          </tr>`)}</tbody>
      </table></div>`)}`}var Ys=[["findings","Findings"],["packages","Packages"]];function Qt({name:e}){let{data:t,error:s}=E(()=>w("/api/v1/hosts/"+encodeURIComponent(e)),[e]),[a,r]=k("findings"),l=o`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/hosts">Hosts</a> ›</nav>`;if(s)return o`${l}<h1 class="break">${e}</h1><${S} error=${s} />`;if(!t)return o`${l}<h1 class="break">${e}</h1><${I} />`;let n=t.host||{},i=t.os?t.os.pretty_name||t.os.id+" "+(t.os.version_id||""):"unknown",m=(t.coverage||[]).filter(p=>!p.covered),h={},d={};for(let p of t.vulnerabilities||[]){let c=(p.severity||"UNKNOWN").toUpperCase();h[c]=(h[c]||0)+1,p.fixed_version&&(d[c]=(d[c]||0)+1)}let u=e.replace(/[^A-Za-z0-9._-]+/g,"_");return o`
    ${l}
    <h1 class="break">${e}</h1>
    <dl class="facts">
      <div><dt>Hostname</dt><dd>${n.hostname||"unknown"}</dd></div>
      <div><dt>OS</dt><dd>${i}</dd></div>
      ${n.kernel&&o`<div><dt>Kernel</dt><dd>${n.kernel}</dd></div>`}
      <div><dt>Root</dt><dd class="mono small">${n.root}</dd></div>
      <div><dt>Scanned</dt><dd>${A(t.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(t.packages||[]).length}</dd></div>
      ${t.db&&o`<div><dt>Database</dt><dd><span class="mono small">${O(t.db.digest)}</span></dd></div>`}
    </dl>
    ${m.length>0&&o`<p class="warn" role="note">Not covered by the database: ${m.map(p=>p.ecosystem+" ("+p.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    ${!t.coverage&&(t.packages||[]).length>0&&o`<p class="note"><${Se} coverage="unknown" /></p>`}
    <div class="downloads"><button type="button" class="small" onClick=${()=>We(u+".json",JSON.stringify(t,null,2),"application/json")}>Download report (JSON)</button></div>
    <${z} counts=${h} fixable=${d} />
    <div class="tabs" role="tablist" aria-label="Report sections">
      ${Ys.map(([p,c])=>o`<button type="button" role="tab" id=${"tab-"+p} aria-controls=${"panel-"+p}
          aria-selected=${a===p?"true":"false"} tabindex=${a===p?0:-1} onClick=${()=>r(p)}>${c}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+a} aria-labelledby=${"tab-"+a} class="panel">
      ${a==="findings"&&o`<${Ye} rep=${t} name=${u} />`}
      ${a==="packages"&&o`<${Xe} rep=${t} name=${u} />`}
    </section>`}var es=50,fe=[["registries","Registries (name or host)","local, *.example.com"],["repositories","Repositories","team/*"],["images","Images (registry/repository:tag)","local/team/app:v1*"],["tags","Tags","v1.*"],["digests","Digests (exact)","sha256:\u2026"],["packages","Packages (or source package)","openssl"],["namespaces","Namespaces (admission only)","dev-*"]];function Qe(e){let t=fe.filter(([s])=>(e[s]||[]).length>0).map(([s])=>s+" "+e[s].join(", "));return t.length?t.join("; "):"everywhere"}var Xs=[["id",e=>e.id],["vulnerability",e=>e.vulnerability],...fe.map(([e])=>[e,t=>t[e]||[]]),["reason",e=>e.reason],["author",e=>e.author],["created",e=>e.created],["expires",e=>e.expires||""],["state",e=>e.expired?"expired":"active"]];function Zs({vulnerability:e="",onDone:t,onCancel:s}){let[a,r]=k({vulnerability:e,reason:"",days:"30",...Object.fromEntries(fe.map(([u])=>[u,""]))}),[l,n]=k(null),[i,m]=k(!1),h=u=>p=>r({...a,[u]:p.currentTarget.value});async function d(u){u.preventDefault(),m(!0),n(null);let p={vulnerability:a.vulnerability.trim(),reason:a.reason.trim()};for(let[c]of fe){let g=Ot(a[c]);g.length&&(p[c]=g)}a.days.trim()&&(p.days=Number(a.days));try{t(await w("/api/v1/exceptions",{method:"POST",body:p}))}catch(c){n(c),m(!1)}}return o`<form class="card form" onSubmit=${d} aria-labelledby="excform-title" data-testid="exception-form">
    <h2 id="excform-title">Add an exception</h2>
    <div class="grid">
      <div class="field">
        <label for="exc-vuln">Vulnerability (CVE, GHSA, … or an alias)</label>
        <input id="exc-vuln" required placeholder="CVE-2024-9143" value=${a.vulnerability} onInput=${h("vulnerability")} />
      </div>
      <div class="field">
        <label for="exc-days">Expires in (days; empty: never)</label>
        <input id="exc-days" type="number" min="1" max="3650" value=${a.days} onInput=${h("days")} />
      </div>
      ${fe.map(([u,p,c])=>o`<div class="field">
          <label for=${"exc-"+u}>${p}</label>
          <input id=${"exc-"+u} placeholder=${c} value=${a[u]} onInput=${h(u)} aria-describedby="exc-scope-hint" />
        </div>`)}
      <div class="field wide">
        <label for="exc-reason">Reason (required: why this finding may be ignored)</label>
        <textarea id="exc-reason" rows="2" required value=${a.reason} onInput=${h("reason")}></textarea>
      </div>
    </div>
    <p id="exc-scope-hint" class="hint">Several values: separate them with commas. Within a field any value may match, across fields all must; <code>*</code> stops at <code>/</code>, <code>**</code> alone matches anything. No scope at all: the exception applies everywhere.
      The author is your token.</p>
    <${S} error=${l} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${i}>${i?"Saving\u2026":"Add exception"}</button>
      <button type="button" onClick=${s}>Cancel</button>
    </div>
  </form>`}function Qs({x:e}){return e.expired?o`<span class="state-badge gone">Expired</span>`:o`<span class="state-badge active">Active</span>`}function ts({role:e,query:t}){let s=e==="admin",a=t.state||"",{data:r,error:l,reload:n}=E(()=>w("/api/v1/exceptions"),[],3e4),[i,m]=k(!!t.new),[h,d]=k(""),[u,p]=k(null),[c,g]=k(0),b=r||[],f=b.filter($=>a==="active"?!$.expired:a==="expired"?$.expired:!0),_=b.filter($=>$.expired).length;function y($,x){d(`Exception ${$.exception.id} ${x}; ${$.reevaluated} stored result${$.reevaluated===1?"":"s"} re-evaluated.`+($.reevaluate_error?" The rest is left to the lead controller: "+$.reevaluate_error:"")),n()}async function v($){p(null);try{y(await w("/api/v1/exceptions/"+encodeURIComponent($.id),{method:"DELETE"}),"deleted")}catch(x){p(x)}}return o`
    <div class="page-head">
      <h1>Exceptions</h1>
      ${s&&!i&&o`<button type="button" class="primary" onClick=${()=>m(!0)}>Add exception</button>`}
    </div>
    <p class="hint">An exception stops a vulnerability from counting in the images it scopes: image counts, CVE search,
      admission, exports. Changes are in the <a href=${C(["audit"])}>audit log</a>.</p>
    ${s&&i&&o`<${Zs} vulnerability=${t.new||""} onCancel=${()=>m(!1)} onDone=${$=>{m(!1),y($,"created")}} />`}
    <p role="status" aria-live="polite" class=${h?"notice":"sr-only"} data-testid="exc-msg">${h}</p>
    <${S} error=${u||l} />
    ${!r&&!l&&o`<${I} />`}
    ${r&&o`<form class="filters" aria-label="Filter exceptions" onSubmit=${$=>$.preventDefault()}>
        <div class="field">
          <label for="exc-state">State</label>
          <select id="exc-state" value=${a} onChange=${$=>{g(0),location.hash=C(["exceptions"],{state:$.currentTarget.value})}}>
            <option value="">All</option><option value="active">Active</option><option value="expired">Expired</option>
          </select>
        </div>
      </form>
      <div class="list-tools">
        <p data-testid="exc-count"><strong>${b.length}</strong> exception${b.length===1?"":"s"}, ${b.length-_} active, ${_} expired${a?o`; <strong>${f.length}</strong> shown`:""}</p>
        ${f.length>0&&o`<${L} name="exceptions" columns=${Xs} rows=${()=>f} />`}
      </div>
      ${f.length===0?o`<p class="empty">No ${a||""} exceptions.${s&&!a?" Add one to stop a finding from counting, with a reason and an expiry.":""}</p>`:o`<div class="table-wrap"><table class="data exceptions">
          <caption class="sr-only">Exceptions</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Scope</th><th scope="col">Reason</th><th scope="col">Author</th>
            <th scope="col" class="hide-sm">Created</th><th scope="col">Expires</th><th scope="col">State</th>
            ${s&&o`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
          <tbody>${f.slice(c,c+es).map($=>o`<tr key=${$.id} data-exception=${$.id} class=${$.expired?"disabled":""}>
              <th scope="row"><a href=${C(["vulnerabilities",$.vulnerability])}>${$.vulnerability}</a><div class="small muted mono">${$.id}</div></th>
              <td class="small break">${Qe($)}</td>
              <td class="small">${$.reason}</td>
              <td class="small mono">${$.author}</td>
              <td class="hide-sm small" title=${A($.created)}>${T($.created)}</td>
              <td class="small">${$.expires?A($.expires):o`<span class="muted">never</span>`}</td>
              <td><${Qs} x=${$} /></td>
              ${s&&o`<td class="actions-cell"><button type="button" class="small danger" aria-label=${"Delete exception "+$.id}
                onClick=${()=>confirm(`Delete exception ${$.id} (${$.vulnerability})? Its findings count again.`)&&v($)}>Delete</button></td>`}
            </tr>`)}</tbody></table></div>
          <${V} offset=${c} size=${es} total=${f.length} onGo=${g} label="Pages of exceptions" />`}`}`}var et=50;function ea(e){let t=e.after||e.before;return!t||typeof t!="object"?"":e.kind==="exception"?`${t.vulnerability} (${Qe(t)})${t.expires?", expires "+A(t.expires):""} \u2014 ${t.reason}`:e.kind==="subscription"?`${t.name||t.id}: ${t.format||"json"} to ${t.url||"?"}${t.min_severity?", "+t.min_severity+" and above":""}${t.events&&t.events.length?", events "+t.events.join(", "):""}`:""}function ss({query:e}){let t=e.kind||"",s=e.actor||"",a=Number(e.before)||0,{data:r,error:l,loading:n}=E(()=>w("/api/v1/audit"+U({kind:t,actor:s,before:a||"",limit:et+1})),[t,s,a],15e3),[i,m]=k(null),h=(r||[]).slice(0,et),d=(r||[]).length>et,u=p=>H(["audit"],{kind:t,actor:s,...p});return o`
    <div class="page-head"><h1>Audit log</h1></div>
    <p class="hint">Every change to exceptions and subscriptions: who made it (the API token), when, and the object before and after.</p>
    <form class="filters" role="search" aria-label="Filter the audit log" onSubmit=${p=>{p.preventDefault(),u({actor:p.currentTarget.elements["audit-actor"].value.trim(),before:""})}}>
      <div class="field">
        <label for="audit-kind">Kind</label>
        <select id="audit-kind" value=${t} onChange=${p=>u({kind:p.currentTarget.value,before:""})}>
          <option value="">All</option><option value="exception">Exceptions</option><option value="subscription">Subscriptions</option>
        </select>
      </div>
      <div class="field">
        <label for="audit-actor">Who</label>
        <input id="audit-actor" name="audit-actor" placeholder="exact author" value=${s} />
      </div>
      <button type="submit">Filter</button>
    </form>
    <${S} error=${l} />
    ${!r&&!l&&o`<${I} />`}
    ${r&&o`<p role="status" data-testid="audit-count">${h.length===0?a?"No older entries.":"No changes recorded yet.":`${a?"Older entries":"The newest entries"}: ${h.length} shown${d?", older ones on the next page":", no older ones"}`}${n?" (refreshing\u2026)":""}</p>
    ${h.length>0&&o`<div class="table-wrap"><table class="data audit">
      <caption class="sr-only">Audit log, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Change</th><th scope="col">What</th>
        <th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>${h.map(p=>o`<tr key=${p.id} data-audit=${p.id}>
            <td title=${A(p.at)}>${T(p.at)}<div class="small muted hide-sm">${A(p.at)}</div></td>
            <td class="mono small">${p.actor}</td>
            <th scope="row">${p.action} ${p.kind} <span class="mono small">${p.object}</span></th>
            <td class="small what">${ea(p)}</td>
            <td><button type="button" class="small" aria-expanded=${i===p.id?"true":"false"}
              aria-label=${(i===p.id?"Hide":"Show")+" before and after of entry "+p.id}
              onClick=${()=>m(i===p.id?null:p.id)}>${i===p.id?"Hide":"Details"}</button></td>
          </tr>
          ${i===p.id&&o`<tr class="detail"><td colspan="5"><div class="two-col">
            <div><h3>Before</h3><pre class="created-by-full">${p.before?JSON.stringify(p.before,null,2):"(none: created)"}</pre></div>
            <div><h3>After</h3><pre class="created-by-full">${p.after?JSON.stringify(p.after,null,2):"(none: deleted)"}</pre></div>
          </div></td></tr>`}`)}</tbody></table></div>`}
    <nav class="pager" aria-label="Pages of the audit log">
      <button type="button" disabled=${!a} onClick=${()=>u({before:""})}>Newest</button>
      <button type="button" disabled=${!d} onClick=${()=>u({before:h[h.length-1].id})}>Older</button>
    </nav>`}`}var ta=[["image.findings_added","An image gains findings"],["image.findings_removed","An image loses findings"],["image.entered_kev","Findings enter CISA KEV"],["scan.failed","A scan fails for good"],["crawl.failed","A registry crawl fails"],["admission.denied","Admission denies a workload"]],sa=["","CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE"],as=20,ns=1e3;function aa({onDone:e,onCancel:t}){let[s,a]=k({url:"",name:"",format:"json",min_severity:"",events:[],secret:""}),[r,l]=k(null),[n,i]=k(!1),m=u=>p=>a({...s,[u]:p.currentTarget.value}),h=u=>p=>a({...s,events:p.currentTarget.checked?[...s.events,u]:s.events.filter(c=>c!==u)});async function d(u){u.preventDefault(),i(!0),l(null);let p={url:s.url.trim(),name:s.name.trim()||void 0,format:s.format,min_severity:s.min_severity||void 0,events:s.events.length?s.events:void 0,secret:s.secret||void 0};try{e(await w("/api/v1/subscriptions",{method:"POST",body:p}))}catch(c){l(c),i(!1)}}return o`<form class="card form" onSubmit=${d} aria-labelledby="subform-title" data-testid="subscription-form">
    <h2 id="subform-title">Add a subscription</h2>
    <div class="grid">
      <div class="field wide">
        <label for="sub-url">Webhook URL</label>
        <input id="sub-url" type="url" required placeholder="https://hooks.example/scanfleet" value=${s.url} onInput=${m("url")} autocomplete="off" />
      </div>
      <div class="field">
        <label for="sub-name">Name</label>
        <input id="sub-name" placeholder="security team" value=${s.name} onInput=${m("name")} />
      </div>
      <div class="field">
        <label for="sub-format">Format</label>
        <select id="sub-format" value=${s.format} onChange=${m("format")}>
          <option value="json">Signed JSON (HMAC)</option><option value="slack">Slack incoming webhook</option>
        </select>
      </div>
      <div class="field">
        <label for="sub-min">Minimum severity</label>
        <select id="sub-min" value=${s.min_severity} onChange=${m("min_severity")}>
          ${sa.map(u=>o`<option value=${u}>${u?u[0]+u.slice(1).toLowerCase()+" and above":"Any"}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="sub-secret">HMAC secret (empty: generated)</label>
        <input id="sub-secret" type="password" autocomplete="new-password" minlength="16" value=${s.secret} onInput=${m("secret")} />
      </div>
      <fieldset class="field wide events">
        <legend>Events (none ticked: all)</legend>
        ${ta.map(([u,p])=>o`<span class="check">
            <input id=${"sub-ev-"+u.replace(/\./g,"-")} type="checkbox" checked=${s.events.includes(u)} onChange=${h(u)} />
            <label for=${"sub-ev-"+u.replace(/\./g,"-")}>${p} <code>${u}</code></label></span>`)}
      </fieldset>
    </div>
    <p class="hint">The secret signs each post (<code>X-Scanfleet-Signature</code>); it is stored encrypted and never shown again.
      A generated one is shown once, after saving.</p>
    <${S} error=${r} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${n}>${n?"Saving\u2026":"Add subscription"}</button>
      <button type="button" onClick=${t}>Cancel</button>
    </div>
  </form>`}function na(e){return e==="delivered"?"state-badge active":e==="failed"?"state-badge gone":"state-badge"}function oa({sub:e}){let{data:t,error:s,loading:a}=E(()=>w(`/api/v1/subscriptions/${encodeURIComponent(e.id)}/deliveries`),[e.id],3e3),[r,l]=k(0),n=t||[];return o`<div class="deliveries" data-testid=${"deliveries-"+e.id}>
    <h3>Deliveries to ${e.name||e.id}</h3>
    <${S} error=${s} />
    ${!t&&!s&&o`<${I} />`}
    ${t&&o`<p role="status" class="small">${n.length===0?"Nothing sent yet.":`${n.length} deliver${n.length===1?"y":"ies"}, newest first`}${n.length>=ns?` (the newest ${ns}, the API's most: older ones exist)`:""}${a?" (refreshing\u2026)":""}</p>
    ${n.length>0&&o`<div class="table-wrap"><table class="data deliveries-table">
      <caption class="sr-only">Deliveries to ${e.name||e.id}</caption>
      <thead><tr><th scope="col">Created</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col" class="num">Attempts</th>
        <th scope="col">Last status</th><th scope="col">Last error</th><th scope="col" class="hide-sm">Delivered / next try</th></tr></thead>
      <tbody>${n.slice(r,r+as).map(i=>o`<tr key=${i.id} data-delivery=${i.id}>
          <td title=${A(i.created_at)}>${T(i.created_at)}</td>
          <th scope="row">${i.kind}<div class="small muted mono">${i.id}</div></th>
          <td><span class=${na(i.state)}>${i.state}</span></td>
          <td class="num">${i.attempts}</td>
          <td>${i.last_status||o`<span class="muted">—</span>`}</td>
          <td class="small error-text break">${i.last_error||""}</td>
          <td class="hide-sm small">${i.state==="delivered"?A(i.delivered_at):i.state==="pending"?"next "+A(i.next_at):"gave up"}</td>
        </tr>`)}</tbody></table></div>
    <${V} offset=${r} size=${as} total=${n.length} onGo=${l} label=${"Pages of deliveries to "+(e.name||e.id)} />`}`}
  </div>`}function os({role:e}){let t=e==="admin",{data:s,error:a,reload:r}=E(()=>t?w("/api/v1/subscriptions"):Promise.resolve(null),[t],15e3),[l,n]=k(!1),[i,m]=k(""),[h,d]=k(null),[u,p]=k(null),[c,g]=k(null);async function b(f,_){g(null);try{await f(),m(_),r()}catch(y){g(y)}}return t?o`
    <div class="page-head">
      <h1>Subscriptions</h1>
      ${!l&&o`<button type="button" class="primary" onClick=${()=>n(!0)}>Add subscription</button>`}
    </div>
    <p class="hint">Webhooks the controller posts to when images gain or lose findings, findings enter KEV, scans or crawls fail, or admission denies.
      Failed posts are retried with back-off (12 attempts); the delivery log shows each one.</p>
    ${l&&o`<${aa} onCancel=${()=>n(!1)} onDone=${f=>{n(!1),d(f.secret?{id:f.id,secret:f.secret}:null),m("Subscription "+f.id+" added."),r()}} />`}
    ${h&&o`<div class="warn" role="alert" data-testid="sub-secret">
      <p>The HMAC secret of <strong>${h.id}</strong>, shown this once (it is stored encrypted and never returned again); give it to the receiver to check signatures:</p>
      <p><code class="break">${h.secret}</code></p>
      <button type="button" class="small" onClick=${()=>d(null)}>I have copied it</button>
    </div>`}
    <p role="status" aria-live="polite" class=${i?"notice":"sr-only"} data-testid="sub-msg">${i}</p>
    <${S} error=${c||a} />
    ${!s&&!a&&o`<${I} />`}
    ${s&&s.length===0&&o`<p class="empty">No subscriptions yet.</p>`}
    ${s&&s.length>0&&o`<p><strong>${s.length}</strong> subscription${s.length===1?"":"s"}</p>
    <div class="table-wrap"><table class="data subscriptions">
      <caption class="sr-only">Notification subscriptions</caption>
      <thead><tr><th scope="col">Subscription</th><th scope="col">URL</th><th scope="col">Sends</th><th scope="col" class="hide-sm">Secret</th>
        <th scope="col" class="hide-sm">Author</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${s.map(f=>o`<tr key=${f.id} data-subscription=${f.id} class=${f.enabled?"":"disabled"}>
            <th scope="row">${f.name}${!f.enabled&&o` <span class="muted small">(disabled)</span>`}<div class="small muted mono">${f.id}</div></th>
            <td class="mono small break">${f.url}<div class="muted">${f.format==="slack"?"Slack":"signed JSON"}</div></td>
            <td class="small">${f.min_severity?f.min_severity+" and above":"any severity"}; ${f.events&&f.events.length?f.events.join(", "):"all events"}</td>
            <td class="hide-sm small">${f.secret_set?"set (never shown)":"none"}</td>
            <td class="hide-sm small"><span class="mono">${f.author}</span><div class="muted" title=${A(f.created)}>${T(f.created)}</div></td>
            <td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Send a test to "+f.id}
                onClick=${()=>b(async()=>{await w(`/api/v1/subscriptions/${encodeURIComponent(f.id)}/test`,{method:"POST"}),p(f.id)},"Test notification queued for "+f.id+"; its delivery appears in the log.")}>Send test</button>
              <button type="button" class="small" aria-expanded=${u===f.id?"true":"false"} aria-label=${"Delivery log of "+f.id}
                onClick=${()=>p(u===f.id?null:f.id)}>Deliveries</button>
              <button type="button" class="small danger" aria-label=${"Delete subscription "+f.id}
                onClick=${()=>confirm(`Delete subscription ${f.name}? Nothing more is sent to it.`)&&b(()=>w(`/api/v1/subscriptions/${encodeURIComponent(f.id)}`,{method:"DELETE"}),"Subscription "+f.id+" deleted.")}>Delete</button>
            </td>
          </tr>
          ${u===f.id&&o`<tr class="detail"><td colspan="6"><${oa} sub=${f} /></td></tr>`}`)}</tbody></table></div>`}`:o`<div class="page-head"><h1>Subscriptions</h1></div>
      <p class="empty" data-testid="subs-admin-only">Subscriptions are shown to admins only: a webhook URL (a Slack one above all) is itself a credential.</p>`}var rs=50,ra=[["namespace",e=>e.namespace],["workload_kind",e=>e.workload_kind],["workload",e=>e.workload],["pod",e=>e.pod],["container",e=>e.container],["container_kind",e=>e.container_kind],["image",e=>e.image],["digest",e=>e.digest||""],["scanned",e=>e.scanned],["scanned_digest",e=>e.scanned_digest||""],["vulnerabilities",e=>e.vulnerabilities],...D.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0])],ia=[["","All"],["false","Not covered (never scanned)"],["true","Scanned"]];function is({query:e}){let t={namespace:e.namespace||"",cve:(e.cve||"").trim(),scanned:e.scanned||""},s=JSON.stringify(t),{data:a,error:r,loading:l}=E(()=>w("/api/v1/workloads"+U(t)),[s],15e3),[n,i]=Q(t.namespace),[m,h]=Q(t.cve),[d,u]=k(0),p=f=>{u(0),H(["workloads"],{...t,...f})},c=a||[],g=t.namespace||t.cve||t.scanned,b=c.filter(f=>!f.scanned).length;return o`
    <div class="page-head"><h1>Workloads</h1></div>
    <p class="hint">Containers running in the cluster (recorded with <code>--watch-pods</code>), resolved to their stored scans as admission resolves them.
      Exceptions apply to the findings shown.</p>
    <form class="filters" role="search" aria-label="Filter workloads" onSubmit=${f=>{f.preventDefault(),p({namespace:n.trim(),cve:m.trim()})}}>
      <div class="field">
        <label for="wl-ns">Namespace</label>
        <input id="wl-ns" placeholder="all" value=${n} onInput=${f=>i(f.currentTarget.value)} />
      </div>
      <div class="field grow">
        <label for="wl-cve">Carrying vulnerability</label>
        <input id="wl-cve" type="search" placeholder="CVE-2024-9143" value=${m} onInput=${f=>h(f.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="wl-scanned">Coverage</label>
        <select id="wl-scanned" value=${t.scanned} onChange=${f=>p({namespace:n.trim(),cve:m.trim(),scanned:f.currentTarget.value})}>
          ${ia.map(([f,_])=>o`<option value=${f}>${_}</option>`)}
        </select>
      </div>
      <button type="submit">Search</button>
    </form>
    <${S} error=${r} />
    ${!a&&!r&&o`<${I} />`}
    ${a&&o`<div class="list-tools">
        <p role="status" aria-live="polite" data-testid="wl-count"><strong>${c.length}</strong> running container${c.length===1?"":"s"}${t.cve?o` carrying <a href=${C(["vulnerabilities",t.cve])}>${t.cve}</a>`:""}${t.namespace?" in "+t.namespace:""}${!t.scanned&&b>0?o`, <a href=${C(["workloads"],{...t,scanned:"false"})}><strong>${b}</strong> not covered</a> (never scanned)`:""}${l?" (refreshing\u2026)":""}</p>
        ${c.length>0&&o`<${L} name="workloads" columns=${ra} rows=${()=>c} />`}
      </div>
      ${c.length===0?o`<p class="empty">${g?"No running container matches.":"No running containers are recorded. The controller records them only when started as scanfleet-controller with --watch-pods (and RBAC to list and watch Pods)."}</p>`:o`<div class="table-wrap"><table class="data workloads">
          <caption class="sr-only">Running containers</caption>
          <thead><tr><th scope="col">Workload</th><th scope="col" class="hide-sm">Container</th><th scope="col">Image</th><th scope="col">Scan</th>
            <th scope="col">Findings by severity</th></tr></thead>
          <tbody>${c.slice(d,d+rs).map(f=>o`<tr key=${f.pod_uid+"/"+f.container} data-workload=${f.namespace+"/"+f.workload}>
              <th scope="row">${f.namespace}/${f.workload}<div class="small muted">${f.workload_kind} · pod ${f.pod}<span class="show-sm"> · ${f.container}</span></div></th>
              <td class="hide-sm">${f.container}${f.container_kind&&f.container_kind!=="container"?o` <span class="small muted">(${f.container_kind})</span>`:""}</td>
              <td class="small break"><span class="mono">${f.image}</span>
                <div class="muted mono" title=${f.digest||""}>${f.digest?O(f.digest):"digest not reported"}</div></td>
              <td>${f.scanned?o`<a href=${C(["image",f.scanned_digest])}>scanned</a><div class="small muted" title=${A(f.scanned_at)}>${T(f.scanned_at)}</div>`:o`<span class="nc-badge" data-testid="not-scanned">Not covered: never scanned</span>`}</td>
              <td>${f.scanned?o`<${ue} sev=${f.severities||{}} /> <span class="small muted">(${f.vulnerabilities})</span>`:o`<span class="muted">unknown</span>`}</td>
            </tr>`)}</tbody></table></div>
          <${V} offset=${d} size=${rs} total=${c.length} onGo=${u} label="Pages of workloads" />`}`}`}var la=[{key:"overview",label:"Overview"},{key:"registries",label:"Registries"},{key:"images",label:"Images"},{key:"hosts",label:"Hosts"},{key:"vulnerabilities",label:"Vulnerabilities"},{key:"workloads",label:"Workloads"},{key:"exceptions",label:"Exceptions"},{key:"audit",label:"Audit log"},{key:"subscriptions",label:"Subscriptions",role:"admin"},{key:"scanners",label:"Scanners"},{key:"admission",label:"Admission",needs:"admission_webhook"}];function ca(){let[e,t]=k(He());return B(()=>{let s=()=>t(He());return addEventListener("hashchange",s),()=>removeEventListener("hashchange",s)},[]),e}function da({onLogin:e}){let[t,s]=k(""),[a,r]=k(""),[l,n]=k(!1);async function i(m){m.preventDefault(),n(!0),r("");let h=t.trim();try{let d=await w("/api/v1/whoami",{token:h});e(d),xe(h)}catch(d){r(d.status===401?"This token is not valid.":d.message),n(!1)}}return o`<main id="main" class="login">
    <form class="card login-card" onSubmit=${i} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${t} onInput=${m=>s(m.currentTarget.value)} autofocus />
      ${a&&o`<p class="error" role="alert">${a}</p>`}
      <button type="submit" class="primary" disabled=${l}>${l?"Checking\u2026":"Log in"}</button>
    </form>
  </main>`}function pa({role:e,who:t,route:s,onLogout:a}){let r=s.parts[0]||"images",l=te(null),n=te(!0);B(()=>{if(n.current){n.current=!1;return}l.current&&l.current.focus()},[r,s.parts[1]]);let i;switch(r){case"registries":i=o`<${Ut} role=${e} />`;break;case"image":i=o`<${Wt} key=${s.parts[1]} digest=${s.parts[1]} query=${s.query} />`;break;case"vulnerabilities":i=o`<${Gt} id=${s.parts[1]} query=${s.query} role=${e} />`;break;case"scanners":i=o`<${Kt} role=${e} />`;break;case"admission":i=t&&!t.admission_webhook?o`<${Jt} />`:o`<${Yt} />`;break;case"overview":i=o`<${Xt} />`;break;case"hosts":i=o`<${Zt} />`;break;case"host":i=o`<${Qt} key=${s.parts[1]} name=${s.parts[1]} />`;break;case"images":i=o`<${Bt} query=${s.query} />`;break;case"exceptions":i=o`<${ts} role=${e} query=${s.query} />`;break;case"audit":i=o`<${ss} query=${s.query} />`;break;case"subscriptions":i=o`<${os} role=${e} />`;break;case"workloads":i=o`<${is} query=${s.query} />`;break;default:i=o`<h1>Not found</h1><p>No page “${r}”. <a href="#/images">Go to images</a>.</p>`}let m=r==="image"?"images":r==="host"?"hosts":r,h=la.filter(d=>(!d.needs||t&&t[d.needs])&&(!d.role||e===d.role));return o`
    <a class="skip" href="#main" onClick=${d=>{d.preventDefault(),l.current.focus()}}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${h.map(d=>o`<li><a href=${C([d.key])} aria-current=${m===d.key?"page":void 0}>${d.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        ${t&&t.name&&o`<span class="token-name" title=${"The API token you logged in with"+(t.expires_at?", expires "+A(t.expires_at):"")}>${t.name}</span>`}
        <span class="role" title="Role of your token">${e}</span>
        <button type="button" class="link" onClick=${a}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${l}>${i}</main>`}function ua(){let e=ca(),[t,s]=k(It()),[a,r]=k(null),l=a?a.role:"";return B(()=>Nt(n=>s(n)),[]),B(()=>{!t||a||w("/api/v1/whoami").then(n=>r(n)).catch(()=>{})},[t]),B(()=>{document.title="Scanfleet \xB7 "+(t?e.parts[0]||"images":"log in")},[t,e.parts[0]]),t?o`<${pa} role=${l} who=${a} route=${e} onLogout=${()=>{r(null),xe("")}} />`:o`<${da} onLogin=${n=>r(n)} />`}ft(o`<${ua} />`,document.getElementById("app"));
